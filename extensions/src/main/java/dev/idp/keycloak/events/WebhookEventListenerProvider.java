package dev.idp.keycloak.events;

import java.util.Set;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** Hands selected events to the sender once the Keycloak transaction has committed. */
final class WebhookEventListenerProvider implements EventListenerProvider {
    static final Set<EventType> USER_EVENTS = Set.of(
            EventType.REGISTER, EventType.LOGIN, EventType.LOGIN_ERROR, EventType.VERIFY_EMAIL,
            EventType.UPDATE_PROFILE, EventType.UPDATE_EMAIL, EventType.UPDATE_PASSWORD,
            EventType.UPDATE_CREDENTIAL, EventType.UPDATE_TOTP, EventType.REMOVE_TOTP,
            EventType.REMOVE_CREDENTIAL, EventType.LOGOUT, EventType.DELETE_ACCOUNT,
            EventType.CUSTOM_REQUIRED_ACTION);
    static final Set<String> ADMIN_RESOURCES = Set.of(
            ResourceType.USER.name(), ResourceType.ORGANIZATION.name(), ResourceType.ORGANIZATION_MEMBERSHIP.name());

    private final KeycloakSession session;
    private final WebhookSender sender;

    WebhookEventListenerProvider(KeycloakSession session, WebhookSender sender) {
        this.session = session;
        this.sender = sender;
    }

    @Override
    public void onEvent(Event event) {
        if (USER_EVENTS.contains(event.getType())) {
            sendAfterCommit(event.getId(), EventPayloads.user(event, realmName(event.getRealmId())));
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        if (ADMIN_RESOURCES.contains(event.getResourceTypeAsString())) {
            sendAfterCommit(event.getId(), EventPayloads.admin(event, realmName(event.getRealmId())));
        }
    }

    private String realmName(String realmId) {
        RealmModel realm = session.realms().getRealm(realmId);
        return realm == null ? realmId : realm.getName();
    }

    private void sendAfterCommit(String id, String body) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                sender.send(id, body);
            }

            @Override
            protected void rollbackImpl() {
                // Nothing happened, so there is nothing to tell.
            }
        });
    }

    @Override
    public void close() {
    }
}
