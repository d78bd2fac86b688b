package dev.idp.keycloak.onboarding;

import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.keycloak.authentication.InitiatedActionSupport;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.common.util.Time;
import org.keycloak.jose.jws.JWSBuilder;
import org.keycloak.models.UserModel;
import org.keycloak.representations.JsonWebToken;
import org.keycloak.services.Urls;
import org.keycloak.services.messages.Messages;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * The `onboarding` required action: sends the browser to the service with a short-lived signed
 * hand-over token (realm, user, the way back) and does nothing else. Which steps exist and whether
 * they are done is the service's business; the result comes back through
 * {@link OnboardingReturnTokenHandler}.
 */
final class OnboardingRequiredAction implements RequiredActionProvider {
    static final String ID = "onboarding";
    static final int HANDOVER_SECONDS = 300;
    static final int RETURN_SECONDS = 3600;

    @Override
    public InitiatedActionSupport initiatedActionSupport() {
        return InitiatedActionSupport.SUPPORTED;
    }

    @Override
    public void evaluateTriggers(RequiredActionContext context) {
        UserModel user = context.getUser();
        if (OnboardingSettings.enforcedAtLogin(context.getRealm())
                && !"true".equals(user.getFirstAttribute(OnboardingSettings.COMPLETED_ATTRIBUTE))) {
            user.addRequiredAction(ID);
        }
    }

    @Override
    public void requiredActionChallenge(RequiredActionContext context) {
        OnboardingSettings settings = OnboardingSettings.get();
        if (!settings.configured()) {
            context.challenge(context.form().setError(Messages.INTERNAL_SERVER_ERROR)
                    .createErrorPage(Response.Status.SERVICE_UNAVAILABLE));
            return;
        }
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String clientId = authSession.getClient().getClientId();
        OnboardingReturnToken returnToken = new OnboardingReturnToken(
                context.getUser().getId(), Time.currentTime() + RETURN_SECONDS, clientId);
        String returnUrl = Urls.actionTokenBuilder(context.getUriInfo().getBaseUri(),
                        returnToken.serialize(context.getSession(), context.getRealm(), context.getUriInfo()),
                        clientId, authSession.getTabId(), null)
                .build(context.getRealm().getName())
                .toString();

        JsonWebToken handover = new JsonWebToken();
        handover.id(UUID.randomUUID().toString());
        handover.issuer(Urls.realmIssuer(context.getUriInfo().getBaseUri(), context.getRealm().getName()));
        handover.audience(OnboardingSettings.AUDIENCE_HANDOVER);
        handover.subject(context.getUser().getId());
        handover.iat((long) Time.currentTime());
        handover.exp((long) Time.currentTime() + HANDOVER_SECONDS);
        handover.setOtherClaims("realm", context.getRealm().getName());
        handover.setOtherClaims("return_url", returnUrl);
        handover.setOtherClaims("rid", returnToken.getId());
        handover.setOtherClaims("locale", context.getSession().getContext().resolveLocale(context.getUser()).toLanguageTag());
        String signed = new JWSBuilder().jsonContent(handover)
                .hmac256(settings.keys.signing(context.getRealm().getName(), OnboardingKeys.HANDOVER));

        URI target = URI.create(settings.serviceUrl + "?token=" + URLEncoder.encode(signed, StandardCharsets.UTF_8));
        context.challenge(Response.status(Response.Status.FOUND).location(target).build());
    }

    @Override
    public void processAction(RequiredActionContext context) {
        requiredActionChallenge(context);
    }

    @Override
    public void close() {
    }
}
