package dev.idp.keycloak.invitations;

import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;

import dev.idp.keycloak.onboarding.OnboardingKeys;
import dev.idp.keycloak.registration.FormStep;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.Config;
import org.keycloak.TokenVerifier;
import org.keycloak.authentication.FormContext;
import org.keycloak.authentication.ValidationContext;
import org.keycloak.common.VerificationException;
import org.keycloak.common.util.Time;
import org.keycloak.events.Errors;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Registration by invitation. The service sends the invitee to the registration form with its
 * signed hint (auth request parameter {@value #PARAM}: HS256 with the realm's invitation key, the
 * invited email, a short expiry). The form opens with that email filled in; any other email is
 * refused; and on success the email counts as verified, since the invitation link proved it. Which
 * account and role follow is the service's business (its stored invitation), not this form's.
 */
public class InvitationFormAction extends FormStep {
    public static final String ID = "idp-invitation";
    public static final String PARAM = "idp_invitation";
    /** Keycloak keeps an auth request's extra parameters as client notes with this prefix. */
    static final String NOTE = "client_request_param_" + PARAM;
    static final String ISSUER = "idp-onboarding-service";

    private static volatile OnboardingKeys keys;

    /** The invited email if the auth request carried a good hint for this realm, else empty. */
    static Optional<String> invitedEmail(AuthenticationSessionModel auth, RealmModel realm) {
        String hint = auth.getClientNote(NOTE);
        OnboardingKeys current = keys;
        if (hint == null || hint.isBlank() || current == null) {
            return Optional.empty();
        }
        return verify(hint, current.accepted(realm.getName(), OnboardingKeys.INVITATION));
    }

    static Optional<String> verify(String hint, List<SecretKey> accepted) {
        for (SecretKey key : accepted) {
            try {
                TokenVerifier<JsonWebToken> verifier = TokenVerifier.create(hint, JsonWebToken.class);
                if (!"HS256".equals(verifier.getHeader().getRawAlgorithm())) {
                    return Optional.empty();
                }
                JsonWebToken token = verifier.secretKey(key).verify().getToken();
                Object email = token.getOtherClaims().get("email");
                boolean fresh = token.getExp() != null && token.getExp() >= Time.currentTime();
                if (fresh && ISSUER.equals(token.getIssuer()) && email instanceof String address && !address.isBlank()) {
                    return Optional.of(address);
                }
                return Optional.empty();
            } catch (VerificationException e) {
                // Not this key (or malformed): try the next accepted one.
            }
        }
        return Optional.empty();
    }

    @Override
    public void buildPage(FormContext context, LoginFormsProvider form) {
        invitedEmail(context.getAuthenticationSession(), context.getRealm()).ifPresent(email -> {
            // Keep what the user already typed (a re-shown form), with the invited email in place.
            MultivaluedMap<String, String> data = new MultivaluedHashMap<>();
            MultivaluedMap<String, String> posted = context.getHttpRequest().getDecodedFormParameters();
            if (posted != null) {
                posted.forEach(data::put);
            }
            data.putSingle("email", email);
            form.setFormData(data);
            form.setAttribute("messageHeader", "idpInvitedRegisterTitle");
        });
    }

    @Override
    public void validate(ValidationContext context) {
        Optional<String> invited = invitedEmail(context.getAuthenticationSession(), context.getRealm());
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String email = form.getFirst("email");
        if (invited.isPresent() && (email == null || !email.trim().equalsIgnoreCase(invited.get()))) {
            context.error(Errors.INVALID_REGISTRATION);
            form.putSingle("email", invited.get());
            context.validationError(form, List.of(new FormMessage("email", "idpInvitationOtherEmail", invited.get())));
            return;
        }
        context.success();
    }

    @Override
    public void success(FormContext context) {
        UserModel user = context.getUser();
        Optional<String> invited = invitedEmail(context.getAuthenticationSession(), context.getRealm());
        if (user != null && invited.isPresent() && invited.get().equalsIgnoreCase(user.getEmail())) {
            user.setEmailVerified(true);
        }
    }

    @Override
    public void init(Config.Scope config) {
        String secret = Optional.ofNullable(config.get("secret")).orElse(System.getenv("IDP_ONBOARDING_SECRET"));
        String previous = Optional.ofNullable(config.get("previous-secrets"))
                .orElse(System.getenv("IDP_ONBOARDING_PREVIOUS_SECRETS"));
        keys = OnboardingKeys.parse(secret, previous).orElse(null);
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Invitation (idp)";
    }

    @Override
    public String getHelpText() {
        return "Fills in and fixes the invited email from the service's signed hint, and counts it as verified.";
    }

}
