package dev.idp.keycloak.onboarding;

import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.keycloak.authentication.RequiredActionContext;
import org.keycloak.authentication.actiontoken.AbstractActionTokenHandler;
import org.keycloak.authentication.actiontoken.ActionTokenContext;
import org.keycloak.events.Errors;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.UserModel;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.services.messages.Messages;
import org.keycloak.sessions.AuthenticationSessionCompoundId;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Takes the browser back from the service. Keycloak has already checked its own return token
 * (signature, expiry, user, single use); this checks the service's result and only then completes
 * the `onboarding` action. Anything wrong: an error page, and nothing completes.
 */
public final class OnboardingReturnTokenHandler extends AbstractActionTokenHandler<OnboardingReturnToken> {
    static final String RESULT_PARAM = "app-token";

    public OnboardingReturnTokenHandler() {
        super(OnboardingReturnToken.TOKEN_TYPE, OnboardingReturnToken.class, Messages.INVALID_REQUEST,
                EventType.CUSTOM_REQUIRED_ACTION, Errors.INVALID_REQUEST);
    }

    @Override
    public boolean canUseTokenRepeatedly(OnboardingReturnToken token, ActionTokenContext<OnboardingReturnToken> ctx) {
        return false;
    }

    @Override
    public String getAuthenticationSessionIdFromToken(OnboardingReturnToken token,
            ActionTokenContext<OnboardingReturnToken> ctx, AuthenticationSessionModel current) {
        // Join the sign-in running in this browser; a result opened elsewhere finds none and is refused.
        return current == null ? null : AuthenticationSessionCompoundId.fromAuthSession(current).getEncodedId();
    }

    @Override
    public Response handleToken(OnboardingReturnToken token, ActionTokenContext<OnboardingReturnToken> ctx) {
        EventBuilder event = ctx.getEvent().detail("custom_required_action", OnboardingRequiredAction.ID);
        AuthenticationSessionModel authSession = ctx.getAuthenticationSession();
        UserModel user = authSession.getAuthenticatedUser();
        if (ctx.isAuthenticationSessionFresh() || user == null || !user.getId().equals(token.getUserId())) {
            return refuse(ctx, event, "no matching sign-in in this browser");
        }
        String result = ctx.getUriInfo().getQueryParameters().getFirst(RESULT_PARAM);
        String issuer = Urls.realmIssuer(ctx.getUriInfo().getBaseUri(), ctx.getRealm().getName());
        OnboardingSettings settings = OnboardingSettings.get();
        if (!settings.configured()) {
            return refuse(ctx, event, "onboarding is not configured");
        }
        Optional<String> problem = OnboardingResultVerifier.problem(result,
                settings.keys.accepted(ctx.getRealm().getName(), OnboardingKeys.RESULT), issuer, user.getId(),
                token.getId());
        if (problem.isPresent()) {
            return refuse(ctx, event, problem.get());
        }
        SingleUseObjectProvider used = ctx.getSession().singleUseObjects();
        if (!used.putIfAbsent("idp-onboarding-result." + OnboardingResultVerifier.id(result),
                OnboardingRequiredAction.RETURN_SECONDS)) {
            return refuse(ctx, event, "result already used");
        }
        user.removeRequiredAction(OnboardingRequiredAction.ID);
        authSession.removeRequiredAction(OnboardingRequiredAction.ID);
        // Started by the app with kc_action=onboarding: finish it as Keycloak does its own actions,
        // so the app gets kc_action_status=success and the action is not started again.
        AuthenticationManager.setKcActionStatus(OnboardingRequiredAction.ID, RequiredActionContext.KcActionStatus.SUCCESS,
                authSession);
        event.success();
        String next = AuthenticationManager.nextRequiredAction(ctx.getSession(), authSession, ctx.getRequest(), event);
        return AuthenticationManager.redirectToRequiredActions(ctx.getSession(), ctx.getRealm(), authSession,
                ctx.getUriInfo(), next);
    }

    private Response refuse(ActionTokenContext<OnboardingReturnToken> ctx, EventBuilder event, String reason) {
        event.detail("reason", reason).error("invalid_onboarding_result");
        return ctx.getSession().getProvider(LoginFormsProvider.class)
                .setError("idpOnboardingResultInvalid")
                .setAttribute("idpReason", Map.of("reason", reason))
                .createErrorPage(Response.Status.BAD_REQUEST);
    }
}
