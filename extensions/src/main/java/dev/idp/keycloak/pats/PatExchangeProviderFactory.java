package dev.idp.keycloak.pats;

import java.net.URI;
import java.util.Optional;

import dev.idp.keycloak.events.WebhookSigner;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.protocol.oidc.TokenExchangeProvider;
import org.keycloak.protocol.oidc.TokenExchangeProviderFactory;

/**
 * Token exchange (RFC 8693) of a personal access token for a short-lived access token. Configured
 * with --spi-oauth2-token-exchange--idp-personal-access-token--url (or IDP_PAT_CHECK_URL), the
 * service's exchange-check endpoint, and the webhook secret (IDP_WEBHOOK_SECRET) it signs with.
 * Asked before Keycloak's own standard exchange, and only for personal access tokens.
 */
public final class PatExchangeProviderFactory implements TokenExchangeProviderFactory {
    public static final String ID = "idp-personal-access-token";
    private static final Logger LOG = Logger.getLogger(PatExchangeProviderFactory.class);
    private PatCheck check;

    @Override
    public TokenExchangeProvider create(KeycloakSession session) {
        return new PatExchangeProvider(check);
    }

    @Override
    public void init(Config.Scope config) {
        String url = Optional.ofNullable(config.get("url")).orElse(System.getenv("IDP_PAT_CHECK_URL"));
        String secret = Optional.ofNullable(config.get("secret")).orElse(System.getenv("IDP_WEBHOOK_SECRET"));
        Optional<WebhookSigner> signer = WebhookSigner.fromSecret(secret);
        if (url == null || url.isBlank() || signer.isEmpty()) {
            LOG.error("idp-personal-access-token: no check URL (IDP_PAT_CHECK_URL) or no valid whsec_ secret; "
                    + "exchanging personal access tokens is refused until both are set");
            check = null;
            return;
        }
        check = new PatCheck(URI.create(url), signer.get());
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public int order() {
        return 20; // before the standard exchange (10), which refuses anything but its own tokens
    }
}
