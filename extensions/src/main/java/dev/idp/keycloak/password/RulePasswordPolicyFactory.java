package dev.idp.keycloak.password;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PasswordPolicyProviderFactory;

/** Shared factory plumbing; each subclass names one policy and its rule. */
abstract class RulePasswordPolicyFactory implements PasswordPolicyProviderFactory {
    private final String id;
    private final String displayName;
    private final String defaultConfig;
    private final PasswordRule rule;

    RulePasswordPolicyFactory(String id, String displayName, String defaultConfig, PasswordRule rule) {
        this.id = id;
        this.displayName = displayName;
        this.defaultConfig = defaultConfig;
        this.rule = rule;
    }

    @Override
    public PasswordPolicyProvider create(KeycloakSession session) {
        return new RulePasswordPolicyProvider(session, id, rule);
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public String getDisplayName() {
        return displayName;
    }

    @Override
    public String getConfigType() {
        return PasswordPolicyProvider.INT_CONFIG_TYPE;
    }

    @Override
    public String getDefaultConfigValue() {
        return defaultConfig;
    }

    @Override
    public boolean isMultiplSupported() {
        return false;
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
