package dev.idp.keycloak.login;

import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordFormFactory;
import org.keycloak.models.KeycloakSession;

/** Registers {@link LockoutAwarePasswordForm}; everything else is Keycloak's username and password form. */
public class LockoutAwarePasswordFormFactory extends UsernamePasswordFormFactory {
    public static final String ID = "idp-username-password-form";

    @Override
    public Authenticator create(KeycloakSession session) {
        return new LockoutAwarePasswordForm(session);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Username Password Form (idp: tells a locked account when to retry)";
    }

    @Override
    public String getHelpText() {
        return "Keycloak's username and password form; a temporarily locked account is told so and for how"
                + " long, unless the realm attribute idp.tellLockedAccount is false.";
    }
}
