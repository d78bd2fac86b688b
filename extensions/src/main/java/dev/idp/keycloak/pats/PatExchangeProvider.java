package dev.idp.keycloak.pats;

import java.util.List;

import dev.idp.keycloak.accounts.AccountsClaimMapper;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.events.Details;
import org.keycloak.events.Errors;
import org.keycloak.models.ClientModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenExchangeContext;
import org.keycloak.protocol.oidc.tokenexchange.StandardTokenExchangeProvider;
import org.keycloak.services.CorsErrorResponseException;

/**
 * A personal access token in, a Keycloak access token out, minted as the standard exchange mints
 * one (the requesting client's mappers and scopes, a transient session, no refresh token), for the
 * token's owner. The service decides whether the token works and which accounts it reaches; the
 * accounts mapper then shows only those.
 */
final class PatExchangeProvider extends StandardTokenExchangeProvider {
    private static final Logger LOG = Logger.getLogger(PatExchangeProvider.class);
    /** Our token type URI; a token with our prefix sent as an access token is taken too. */
    static final String TOKEN_TYPE = "urn:idp:params:oauth:token-type:personal_access_token";
    static final String PREFIX = "idpat_";
    private final PatCheck check;

    PatExchangeProvider(PatCheck check) {
        this.check = check;
    }

    @Override
    public boolean supports(TokenExchangeContext context) {
        String type = context.getParams().getSubjectTokenType();
        String token = context.getParams().getSubjectToken();
        boolean ours = TOKEN_TYPE.equals(type)
                || (OAuth2Constants.ACCESS_TOKEN_TYPE.equals(type) && token != null && token.startsWith(PREFIX));
        if (!ours) {
            context.setUnsupportedReason("Not a personal access token");
            return false;
        }
        if (context.getFormParams().getFirst(OAuth2Constants.REQUESTED_SUBJECT) != null
                || context.getFormParams().getFirst(OAuth2Constants.REQUESTED_ISSUER) != null
                || context.getFormParams().getFirst(OAuth2Constants.SUBJECT_ISSUER) != null) {
            context.setUnsupportedReason("A personal access token is exchanged without requested_subject, "
                    + "requested_issuer or subject_issuer");
            return false;
        }
        return true;
    }

    @Override
    protected Response tokenExchange() {
        if (client.isPublicClient()) {
            throw refuse(OAuthErrorException.INVALID_CLIENT, Errors.INVALID_CLIENT,
                    "Only a confidential client may exchange a personal access token", Response.Status.BAD_REQUEST);
        }
        if (check == null) {
            throw refuse("temporarily_unavailable", Errors.INVALID_REQUEST,
                    "Personal access tokens cannot be exchanged: the check is not configured",
                    Response.Status.SERVICE_UNAVAILABLE);
        }
        UserModel account = session.users().getServiceAccount(client);
        PatCheck.Answer answer;
        try {
            answer = check.ask(realm.getName(), context.getParams().getSubjectToken(), client.getClientId(),
                    account == null ? null : account.getId());
        } catch (PatCheck.Unavailable e) {
            LOG.warnf("personal access token check failed (%s); the exchange is refused", e.getMessage());
            throw refuse("temporarily_unavailable", Errors.INVALID_REQUEST,
                    "The personal access token could not be checked; try again shortly",
                    Response.Status.SERVICE_UNAVAILABLE);
        }
        if ("client_not_allowed".equals(answer.error())) {
            throw refuse(OAuthErrorException.UNAUTHORIZED_CLIENT, Errors.NOT_ALLOWED,
                    "This client may not exchange personal access tokens: grant its service account the "
                            + "idp-token-introspector role", Response.Status.FORBIDDEN);
        }
        UserModel user = answer.active() && answer.userId() != null
                ? session.users().getUserById(realm, answer.userId()) : null;
        if (user == null || !user.isEnabled()) {
            throw refuse(OAuthErrorException.INVALID_REQUEST, Errors.INVALID_TOKEN, "Invalid token",
                    Response.Status.BAD_REQUEST);
        }
        event.user(user);
        event.detail(Details.USERNAME, user.getUsername());
        event.detail(Details.REQUESTED_TOKEN_TYPE, context.getParams().getRequestedTokenType());
        UserSessionModel userSession = session.sessions().createUserSession(null, realm, user, user.getUsername(),
                clientConnection.getRemoteHost(), "personal_access_token", false, null, null,
                UserSessionModel.SessionPersistenceState.TRANSIENT);
        userSession.setNote(AccountsClaimMapper.PAT_ACCOUNTS_NOTE, answer.accountsNote());
        List<ClientModel> audience = getTargetAudienceClients();
        validateAudience(null, false, audience);
        return exchangeClientToOIDCClient(user, userSession, getRequestedTokenType(), audience,
                getRequestedScope(null, audience), null);
    }

    @Override
    protected void validateAudience(org.keycloak.representations.AccessToken token, boolean disallowOnHolderMismatch,
                                    List<ClientModel> targetAudienceClients) {
        // A personal access token has no audience of its own: any client allowed to exchange (checked
        // by the service) may. Disabled audience clients are still refused.
        for (ClientModel target : targetAudienceClients) {
            if (!target.isEnabled()) {
                throw refuse(OAuthErrorException.INVALID_CLIENT, Errors.CLIENT_DISABLED, "Client disabled",
                        Response.Status.BAD_REQUEST);
            }
        }
    }

    private CorsErrorResponseException refuse(String error, String eventError, String message, Response.Status status) {
        event.detail(Details.REASON, message);
        event.error(eventError);
        return new CorsErrorResponseException(cors, error, message, status);
    }
}
