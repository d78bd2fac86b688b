package dev.idp.keycloak.password;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyProvider;
import org.keycloak.policy.PolicyError;

/** Adapts one PasswordRule to Keycloak's password policy SPI. */
final class RulePasswordPolicyProvider implements PasswordPolicyProvider {
    private final KeycloakSession session;
    private final String policyId;
    private final PasswordRule rule;

    RulePasswordPolicyProvider(KeycloakSession session, String policyId, PasswordRule rule) {
        this.session = session;
        this.policyId = policyId;
        this.rule = rule;
    }

    @Override
    public PolicyError validate(RealmModel realm, UserModel user, String password) {
        return validate(user == null ? null : user.getUsername(), password);
    }

    @Override
    public PolicyError validate(String username, String password) {
        Integer limit = session.getContext().getRealm().getPasswordPolicy().getPolicyConfig(policyId);
        return rule.check(password == null ? "" : password, limit == null ? 1 : limit);
    }

    @Override
    public Object parseConfig(String value) {
        return parseInteger(value, 1);
    }

    @Override
    public void close() {
    }
}
