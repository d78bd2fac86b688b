package dev.idp.keycloak.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sender against a real HTTP server on loopback: what the service receives, and when it is sent again. */
class WebhookSenderTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    record Received(String id, String timestamp, String signature, String body, int clientPort) {
    }

    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private HttpServer server;
    private WebhookSender sender;

    private URI serve(IntSupplier status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/events/keycloak", (HttpExchange exchange) -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var headers = exchange.getRequestHeaders();
            received.add(new Received(headers.getFirst("webhook-id"), headers.getFirst("webhook-timestamp"),
                    headers.getFirst("webhook-signature"), body, exchange.getRemoteAddress().getPort()));
            exchange.sendResponseHeaders(status.getAsInt(), -1);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events/keycloak");
    }

    private Received next() throws InterruptedException {
        Received delivery = received.poll(20, TimeUnit.SECONDS);
        assertTrue(delivery != null, "a delivery arrives");
        return delivery;
    }

    @AfterEach
    void stop() {
        if (sender != null) {
            sender.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void deliversTheBodySignedAsStandardWebhooksSays() throws Exception {
        WebhookSigner signer = WebhookSigner.fromSecret(SECRET).orElseThrow();
        sender = new WebhookSender(serve(() -> 204), signer);
        sender.send("evt-1", "{\"type\":\"LOGIN\",\"realm\":\"café\"}");
        Received delivery = next();
        assertEquals("evt-1", delivery.id());
        assertEquals("{\"type\":\"LOGIN\",\"realm\":\"café\"}", delivery.body());
        assertEquals(signer.sign("evt-1", Long.parseLong(delivery.timestamp()), delivery.body()), delivery.signature());
    }

    @Test
    void aServiceErrorIsSentAgainWithTheSameId() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        sender = new WebhookSender(serve(() -> calls.getAndIncrement() == 0 ? 503 : 204),
                WebhookSigner.fromSecret(SECRET).orElseThrow());
        sender.send("evt-2", "{}");
        assertEquals("evt-2", next().id());
        assertEquals("evt-2", next().id(), "sent again after the 503");
    }

    @Test
    void eventsReuseTheSendersConnections() throws Exception {
        sender = new WebhookSender(serve(() -> 204), WebhookSigner.fromSecret(SECRET).orElseThrow());
        Set<Integer> connections = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            sender.send("evt-" + (10 + i), "{}");
            connections.add(next().clientPort());
        }
        // Two sending threads hold at most two kept-alive connections; a new connection per event would be eight.
        assertTrue(connections.size() <= 2, "8 events came over " + connections.size() + " connections");
    }
}
