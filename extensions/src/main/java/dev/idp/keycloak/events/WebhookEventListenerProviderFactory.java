package dev.idp.keycloak.events;

import java.net.URI;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * `idp-webhook` event listener. Configured with --spi-events-listener--idp-webhook--url and
 * --spi-events-listener--idp-webhook--secret (or IDP_WEBHOOK_URL / IDP_WEBHOOK_SECRET). Without a
 * valid secret it sends nothing at all: signing fails closed.
 */
public final class WebhookEventListenerProviderFactory implements EventListenerProviderFactory {
    static final String ID = "idp-webhook";
    private static final Logger LOG = Logger.getLogger(WebhookEventListenerProviderFactory.class);
    private WebhookSender sender;

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return sender == null ? NOTHING : new WebhookEventListenerProvider(session, sender);
    }

    /** Used when misconfigured: accepts events and sends nothing (never unsigned). */
    private static final EventListenerProvider NOTHING = new EventListenerProvider() {
        @Override
        public void onEvent(org.keycloak.events.Event event) {
        }

        @Override
        public void onEvent(org.keycloak.events.admin.AdminEvent event, boolean includeRepresentation) {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public void init(Config.Scope config) {
        String url = Optional.ofNullable(config.get("url")).orElse(System.getenv("IDP_WEBHOOK_URL"));
        String secret = Optional.ofNullable(config.get("secret")).orElse(System.getenv("IDP_WEBHOOK_SECRET"));
        Optional<WebhookSigner> signer = WebhookSigner.fromSecret(secret);
        if (url == null || signer.isEmpty()) {
            LOG.error("idp-webhook: no endpoint URL or no valid whsec_ secret configured; no webhook will be sent");
            sender = null;
            return;
        }
        sender = new WebhookSender(URI.create(url), signer.get());
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
        if (sender != null) {
            sender.close();
        }
    }

    @Override
    public String getId() {
        return ID;
    }
}
