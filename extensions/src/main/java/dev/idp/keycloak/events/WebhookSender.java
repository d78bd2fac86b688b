package dev.idp.keycloak.events;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

    private final URI endpoint;
    private final WebhookSigner signer;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;

    WebhookSender(URI endpoint, WebhookSigner signer) {
        this.endpoint = endpoint;
        this.signer = signer;
        this.scheduler = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "idp-webhook-sender");
            thread.setDaemon(true);
            return thread;
        });
        // HTTP/1.1 on kept-alive connections: the default (HTTP/2) tries an h2c upgrade the service never
        // accepts on every new connection.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(3))
                .executor(scheduler).build();
    }

    /** Queue one delivery; returns at once. */
    void send(String id, String body) {
        scheduler.execute(() -> attempt(id, body, 1));
    }

    private void attempt(String id, String body, int attempt) {
        long timestamp = System.currentTimeMillis() / 1000;
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signer.sign(id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            int status = response == null ? 0 : response.statusCode();
            if (error == null && status >= 200 && status < 300) {
                return;
            }
            // 4xx other than 408/429 means the service refuses this delivery; retrying cannot help.
            boolean retryable = error != null || status >= 500 || status == 408 || status == 429;
            if (retryable && attempt < MAX_ATTEMPTS) {
                long delay = FIRST_DELAY_MS << (attempt - 1);
                scheduler.schedule(() -> attempt(id, body, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } else {
                LOG.warnf("webhook %s not delivered after %d attempt(s) (last status %d); the reconciler will pick it up",
                        id, attempt, status);
            }
        });
    }

    void close() {
        scheduler.shutdown();
    }
}
