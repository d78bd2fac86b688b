package dev.idp.keycloak.password;

import org.keycloak.policy.PolicyError;

/** One password rule: returns null when the password passes, else the error to show. */
@FunctionalInterface
interface PasswordRule {
    PolicyError check(String password, int limit);
}
