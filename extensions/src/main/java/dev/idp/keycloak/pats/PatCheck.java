package dev.idp.keycloak.pats;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.idp.keycloak.events.WebhookSigner;
import org.keycloak.util.JsonSerialization;

/**
 * Asks the service whether a personal access token may become an access token, and for which
 * accounts. The service owns the tokens and every rule about them; this only carries the question,
 * signed with the webhook secret (Standard Webhooks) so nobody else can ask.
 */
final class PatCheck {
    private final URI endpoint;
    private final WebhookSigner signer;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    PatCheck(URI endpoint, WebhookSigner signer) {
        this.endpoint = endpoint;
        this.signer = signer;
    }

    /** The service's answer; Unavailable when it cannot be asked (the exchange then fails closed). */
    Answer ask(String realm, String token, String clientId, String clientAccountId) throws Unavailable {
        Map<String, String> question = new LinkedHashMap<>();
        question.put("realm", realm);
        question.put("token", token);
        question.put("client_id", clientId);
        question.put("client_account_id", clientAccountId);
        try {
            String body = JsonSerialization.writeValueAsString(question);
            String id = "pat_" + UUID.randomUUID();
            long now = System.currentTimeMillis() / 1000;
            HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("webhook-id", id)
                    .header("webhook-timestamp", Long.toString(now))
                    .header("webhook-signature", signer.sign(id, now, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new Unavailable("the service answered HTTP " + response.statusCode());
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> answer = JsonSerialization.readValue(response.body(), Map.class);
            return Answer.from(answer);
        } catch (IOException e) {
            throw new Unavailable(e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted");
        }
    }

    /** What the service said: active or not, whose token, and the accounts it reaches ("id=role"). */
    record Answer(boolean active, String userId, String error, String accountsNote) {
        @SuppressWarnings("unchecked")
        static Answer from(Map<String, Object> answer) {
            boolean active = Boolean.TRUE.equals(answer.get("active"));
            StringBuilder note = new StringBuilder();
            Object accounts = answer.get("accounts");
            if (accounts instanceof List<?> list) {
                for (Object item : list) {
                    if (item instanceof Map<?, ?> account && account.get("id") instanceof String id) {
                        Object role = account.get("role");
                        if (note.length() > 0) {
                            note.append(',');
                        }
                        note.append(id).append('=').append(role instanceof String r ? r : "");
                    }
                }
            }
            Object user = answer.get("user_id");
            Object error = answer.get("error");
            return new Answer(active, user instanceof String u ? u : null, error instanceof String e ? e : null,
                    note.toString());
        }
    }

    static final class Unavailable extends Exception {
        Unavailable(String why) {
            super(why);
        }
    }
}
