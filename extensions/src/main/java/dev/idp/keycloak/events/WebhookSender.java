package dev.idp.keycloak.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Delivers signed webhooks on its own threads, retrying with exponential backoff, so a slow or
 * stopped service never delays or fails a login. What the retries cannot deliver, the service's
 * reconciler later pulls from Keycloak's stored events.
 */
final class WebhookSender {
    private static final Logger LOG = Logger.getLogger(WebhookSender.class);
    static final int MAX_ATTEMPTS = 8;
    private static final long FIRST_DELAY_MS = 500;

    private static final int CONNECT_TIMEOUT_MS = 3_000;
    private static final int READ_TIMEOUT_MS = 5_000;

    private final URL endpoint;
    private final WebhookSigner signer;
    private final ScheduledExecutorService scheduler;

    WebhookSender(URI endpoint, WebhookSigner signer) {
        try {
            this.endpoint = endpoint.toURL();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("idp-webhook: the endpoint " + endpoint + " is not a URL", e);
        }
        this.signer = signer;
        this.scheduler = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "idp-webhook-sender");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Queue one delivery; returns at once. */
    void send(String id, String body) {
        scheduler.execute(() -> attempt(id, body, 1));
    }

    private void attempt(String id, String body, int attempt) {
        int status = post(id, body);
        if (status >= 200 && status < 300) {
            return;
        }
        // 4xx other than 408/429 means the service refuses this delivery; retrying cannot help.
        boolean retryable = status == 0 || status >= 500 || status == 408 || status == 429;
        if (retryable && attempt < MAX_ATTEMPTS) {
            long delay = FIRST_DELAY_MS << (attempt - 1);
            scheduler.schedule(() -> attempt(id, body, attempt + 1), delay, TimeUnit.MILLISECONDS);
        } else {
            LOG.warnf("webhook %s not delivered after %d attempt(s) (last status %d); the reconciler will pick it up",
                    id, attempt, status);
        }
    }

    /**
     * One blocking POST on this sender thread; the HTTP status, or 0 when no answer came. The JDK's
     * HttpURLConnection, not java.net.http.HttpClient: measured in one JVM against the same endpoint, the
     * async client spent two to four times the CPU per request (its selector thread and future stages),
     * and that CPU is taken from the Keycloak process at every sign-in. Reading the answer to its end
     * returns the kept-alive connection to the JDK's cache for the next event.
     */
    private int post(String id, String body) {
        long timestamp = System.currentTimeMillis() / 1000;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try {
            HttpURLConnection http = (HttpURLConnection) endpoint.openConnection(Proxy.NO_PROXY);
            http.setConnectTimeout(CONNECT_TIMEOUT_MS);
            http.setReadTimeout(READ_TIMEOUT_MS);
            http.setRequestMethod("POST");
            http.setDoOutput(true);
            http.setFixedLengthStreamingMode(bytes.length);
            http.setRequestProperty("Content-Type", "application/json; charset=utf-8");
            http.setRequestProperty("webhook-id", id);
            http.setRequestProperty("webhook-timestamp", Long.toString(timestamp));
            http.setRequestProperty("webhook-signature", signer.sign(id, timestamp, body));
            try (OutputStream out = http.getOutputStream()) {
                out.write(bytes);
            }
            int status = http.getResponseCode();
            try (InputStream answer = status < 400 ? http.getInputStream() : http.getErrorStream()) {
                if (answer != null) {
                    answer.transferTo(OutputStream.nullOutputStream());
                }
            }
            return status;
        } catch (IOException | RuntimeException unreachable) {
            LOG.debugf("webhook %s: %s", id, unreachable.toString());
            return 0;
        }
    }

    void close() {
        scheduler.shutdown();
    }
}
