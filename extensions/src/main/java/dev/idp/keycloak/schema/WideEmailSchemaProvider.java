package dev.idp.keycloak.schema;

import java.util.List;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;

/**
 * Carries a Liquibase changelog that widens USER_ENTITY's username and email columns to 320
 * characters. Keycloak creates them as VARCHAR(255), but a valid address may be 64 + 1 + 255
 * characters long (seed 002: "The maximum length of email address is 320 characters") and with
 * email-as-username the address is the username too. No entities of our own.
 */
public final class WideEmailSchemaProvider implements JpaEntityProvider {
    static final String ID = "idp-wide-email";

    @Override
    public List<Class<?>> getEntities() {
        return List.of();
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/idp-wide-email-changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return ID;
    }

    @Override
    public void close() {
    }
}
