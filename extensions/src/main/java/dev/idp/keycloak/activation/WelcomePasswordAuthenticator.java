package dev.idp.keycloak.activation;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailTemplateProvider;
import org.keycloak.events.Details;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.policy.PasswordPolicyManagerProvider;
import org.keycloak.services.Urls;

/**
 * Sign-up with generated credentials (seed 000): placed after the registration form, it gives the
 * new user a random password the realm's policy accepts, sends it in a welcome email with a
 * sign-in link, and asks for a new password at the first sign-in (UPDATE_PASSWORD). It never
 * finishes the registration: the browser that registered gets "check your email" and no session,
 * so only whoever reads the mailbox gets in. Only Keycloak's credential store keeps the password,
 * hashed; it is not logged.
 */
public final class WelcomePasswordAuthenticator implements Authenticator {
    private static final Logger LOG = Logger.getLogger(WelcomePasswordAuthenticator.class);
    static final String SENT_NOTE = "idp.welcomePasswordSent";
    static final String TEMPLATE = "idp-welcome-password.ftl";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public void authenticate(AuthenticationFlowContext context) {
        UserModel user = context.getUser();
        if (user == null) {
            context.failure(AuthenticationFlowError.UNKNOWN_USER);
            return;
        }
        if (context.getAuthenticationSession().getAuthNote(SENT_NOTE) == null) {
            Optional<String> problem = welcome(context, user);
            if (problem.isPresent()) {
                Response page = context.form().setError(problem.get()).createErrorPage(Response.Status.SERVICE_UNAVAILABLE);
                context.failureChallenge(AuthenticationFlowError.INTERNAL_ERROR, page);
                return;
            }
            context.getAuthenticationSession().setAuthNote(SENT_NOTE, "true");
        }
        context.challenge(context.form().setInfo("idpWelcomePasswordSent", user.getEmail()).createInfoPage());
    }

    /** Set the password and send it; empty on success, else the message key to show. */
    private Optional<String> welcome(AuthenticationFlowContext context, UserModel user) {
        KeycloakSession session = context.getSession();
        RealmModel realm = context.getRealm();
        PasswordPolicyManagerProvider policy = session.getProvider(PasswordPolicyManagerProvider.class);
        Optional<String> password = GeneratedPassword.generate(
                candidate -> policy.validate(realm, user, candidate) == null, RANDOM);
        if (password.isEmpty()) {
            LOG.errorf("no password the policy of realm %s accepts could be generated; sign-up stopped", realm.getName());
            return Optional.of("idpWelcomePasswordImpossible");
        }
        user.credentialManager().updateCredential(UserCredentialModel.password(password.get(), false));
        user.addRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
        // Only the mailbox's reader can sign in with the password, so signing in proves the address;
        // Keycloak's own verification email would be a second, redundant message.
        user.setEmailVerified(true);
        user.removeRequiredAction(UserModel.RequiredAction.VERIFY_EMAIL);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("password", password.get());
        attributes.put("signInUrl", signInUrl(context));
        attributes.put("email", user.getEmail());
        try {
            session.getProvider(EmailTemplateProvider.class).setRealm(realm).setUser(user)
                    .setAuthenticationSession(context.getAuthenticationSession())
                    .send("idpWelcomePasswordSubject", List.of(realmName(realm)), TEMPLATE, attributes);
        } catch (EmailException e) {
            LOG.errorf("the welcome email to a new user of realm %s was not sent (%s)", realm.getName(),
                    e.getClass().getSimpleName());
            return Optional.of("idpWelcomePasswordNotSent");
        }
        context.getEvent().detail(Details.EMAIL, user.getEmail()).detail("welcome", "generated_password");
        return Optional.empty();
    }

    private static String realmName(RealmModel realm) {
        return realm.getDisplayName() != null ? realm.getDisplayName() : realm.getName();
    }

    /** The client's own address when it has one, else the realm's account console (which signs in first). */
    private static String signInUrl(AuthenticationFlowContext context) {
        String base = context.getAuthenticationSession().getClient().getBaseUrl();
        String root = context.getAuthenticationSession().getClient().getRootUrl();
        if (base != null && base.startsWith("http")) {
            return base;
        }
        if (base != null && root != null && root.startsWith("http")) {
            return root + base;
        }
        return Urls.accountBase(context.getUriInfo().getBaseUri()).path("/").build(context.getRealm().getName())
                .toString();
    }

    @Override
    public void action(AuthenticationFlowContext context) {
        authenticate(context);
    }

    @Override
    public boolean requiresUser() {
        return true;
    }

    @Override
    public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
        return true;
    }

    @Override
    public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {
    }

    @Override
    public void close() {
    }
}
