package dev.idp.keycloak.look;

import dev.idp.keycloak.realmresource.StatelessRealmResourceFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;

public class LookResourceFactory extends StatelessRealmResourceFactory {
    public static final String ID = "idp-look";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new LookResource(session);
    }

    @Override
    public String getId() {
        return ID;
    }
}
