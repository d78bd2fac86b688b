package dev.idp.keycloak.schema;

import org.keycloak.Config;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Registers {@link WideEmailSchemaProvider} so Keycloak runs its changelog at start-up. */
public final class WideEmailSchemaProviderFactory implements JpaEntityProviderFactory {
    private static final WideEmailSchemaProvider PROVIDER = new WideEmailSchemaProvider();

    @Override
    public JpaEntityProvider create(KeycloakSession session) {
        return PROVIDER;
    }

    @Override
    public String getId() {
        return WideEmailSchemaProvider.ID;
    }

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
