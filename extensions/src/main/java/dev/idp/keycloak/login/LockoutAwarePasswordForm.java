package dev.idp.keycloak.login;

import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.authenticators.browser.UsernamePasswordForm;
import org.keycloak.authentication.authenticators.util.AuthenticatorUtils;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserLoginFailureModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.validation.Validation;

/**
 * Keycloak's username and password form, except that a temporarily locked account is told so, with
 * the minutes left, instead of "Invalid username or password" (which sends a person who typed the
 * right password to reset it). A tenant that would rather not reveal that the account exists sets
 * the realm attribute {@value #REALM_ATTRIBUTE} to "false" and gets Keycloak's wording back.
 */
public class LockoutAwarePasswordForm extends UsernamePasswordForm {
    public static final String REALM_ATTRIBUTE = "idp.tellLockedAccount";
    static final String MESSAGE = "idpAccountLocked";

    public LockoutAwarePasswordForm(KeycloakSession session) {
        super(session);
    }

    static boolean tellsLocked(RealmModel realm) {
        return !"false".equalsIgnoreCase(realm.getAttribute(REALM_ATTRIBUTE));
    }

    /** Whole minutes until the lock lifts, at least 1 (a lock that ends in 10 s still means "wait"). */
    static int minutesLeft(int notBefore, int now) {
        int seconds = Math.max(notBefore - now, 1);
        return (seconds + 59) / 60;
    }

    @Override
    protected boolean isDisabledByBruteForce(AuthenticationFlowContext context, UserModel user) {
        String eventError = AuthenticatorUtils.getDisabledByBruteForceEventError(context, user);
        if (!Errors.USER_TEMPORARILY_DISABLED.equals(eventError) || !tellsLocked(context.getRealm())) {
            // Not locked, locked for good (Keycloak disables the user), or the tenant keeps it quiet.
            return super.isDisabledByBruteForce(context, user);
        }
        context.getEvent().user(user);
        context.getEvent().error(eventError);
        UserLoginFailureModel failure = context.getSession().loginFailures()
                .getUserLoginFailure(context.getRealm(), user.getId());
        int notBefore = failure == null ? Time.currentTime() : failure.getFailedLoginNotBefore();
        context.form().addError(new FormMessage(Validation.FIELD_USERNAME, MESSAGE,
                minutesLeft(notBefore, Time.currentTime())));
        context.forceChallenge(challenge(context, null, null));
        return true;
    }
}
