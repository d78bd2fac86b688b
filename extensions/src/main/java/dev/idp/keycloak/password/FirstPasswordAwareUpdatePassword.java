package dev.idp.keycloak.password;

import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.authentication.requiredactions.UpdatePassword;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;

/**
 * Keycloak's "Update password" required action, plus one fact for the page: whether this is the
 * account's first password (an activation, seed 000), in which case the theme leaves out "Sign out
 * from other devices": a new account has no other devices. Registered under Keycloak's own id, which
 * Keycloak lets a custom factory take over from its internal one; everything else is Keycloak's.
 */
public class FirstPasswordAwareUpdatePassword extends UpdatePassword {
    /** Set on the page when the user has no password yet (read by themes/idp password-commons.ftl). */
    public static final String FIRST_PASSWORD = "idpFirstPassword";

    static boolean hasPassword(UserModel user) {
        return user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE)
                .findAny().isPresent();
    }

    private static void markFirstPassword(RequiredActionContext context) {
        if (context.getUser() != null && !hasPassword(context.getUser())) {
            // context.form() is the session's one LoginFormsProvider, which Keycloak's action then renders.
            context.form().setAttribute(FIRST_PASSWORD, true);
        }
    }

    /** Above Keycloak's own factory (order 0) for the same id, so this one is chosen at build time. */
    @Override
    public int order() {
        return 1;
    }

    /** Keycloak's factory makes a new UpdatePassword per use; this one makes ours. */
    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return new FirstPasswordAwareUpdatePassword();
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        markFirstPassword(context);
        super.requiredActionChallenge(context);
    }

    @Override
    public void processAction(RequiredActionContext context) {
        // A refused first password (mismatch, policy) re-renders the same page: still no checkbox.
        markFirstPassword(context);
        super.processAction(context);
    }
}
