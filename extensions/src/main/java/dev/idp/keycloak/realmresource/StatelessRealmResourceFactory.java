package dev.idp.keycloak.realmresource;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * A realm resource (/realms/{realm}/{id}/...) that needs no configuration and holds nothing between
 * requests: a subclass says only what it creates and under which id.
 */
public abstract class StatelessRealmResourceFactory implements RealmResourceProviderFactory {
    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }
}
