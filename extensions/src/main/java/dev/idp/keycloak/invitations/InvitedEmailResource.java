package dev.idp.keycloak.invitations;

import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.managers.AuthenticationSessionManager;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * /realms/{realm}/idp-invitation/email?client_id=..&tab_id=..: the invited email of the browser's
 * own registration, so the theme can draw the field read-only. Keycloak's form renders every
 * profile field from the realm's static user profile, which has no per-request "fixed" state;
 * the refusal of any other address stays in {@link InvitationFormAction#validate}. Only the holder
 * of the auth-session cookie gets an answer, and it is the address their own link carried.
 */
public class InvitedEmailResource implements RealmResourceProvider {
    private final KeycloakSession session;

    InvitedEmailResource(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public Object getResource() {
        return this;
    }

    @GET
    @Path("email")
    public Response email(@QueryParam("client_id") String clientId, @QueryParam("tab_id") String tabId) {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return invited(clientId, tabId)
                .map(email -> Response.ok(Map.of("email", email), MediaType.APPLICATION_JSON_TYPE))
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND))
                .cacheControl(noStore)
                .build();
    }

    private Optional<String> invited(String clientId, String tabId) {
        RealmModel realm = session.getContext().getRealm();
        if (clientId == null || tabId == null || clientId.isBlank() || tabId.isBlank()) {
            return Optional.empty();
        }
        ClientModel client = realm.getClientByClientId(clientId);
        if (client == null) {
            return Optional.empty();
        }
        AuthenticationSessionModel auth = new AuthenticationSessionManager(session)
                .getCurrentAuthenticationSession(realm, client, tabId);
        return auth == null ? Optional.empty() : InvitationFormAction.invitedEmail(auth, realm);
    }

    @Override
    public void close() {
    }
}
