package dev.idp.keycloak.invitations;

import dev.idp.keycloak.realmresource.StatelessRealmResourceFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

public class InvitedEmailResourceFactory extends StatelessRealmResourceFactory {
    public static final String ID = "idp-invitation";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new InvitedEmailResource(session);
    }

    @Override
    public String getId() {
        return ID;
    }
}
