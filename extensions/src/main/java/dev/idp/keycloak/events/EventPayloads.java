package dev.idp.keycloak.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.events.Event;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.util.JsonSerialization;

/** The JSON bodies of our webhooks. No credentials or representations: ids, types and details only. */
final class EventPayloads {
    private EventPayloads() {
    }

    static String user(Event event, String realmName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", event.getId());
        body.put("kind", "user");
        body.put("type", event.getType().name());
        body.put("time", event.getTime());
        body.put("realm", realmName);
        body.put("userId", event.getUserId());
        body.put("clientId", event.getClientId());
        body.put("error", event.getError());
        body.put("details", event.getDetails() == null ? Map.of() : event.getDetails());
        return json(body);
    }

    static String admin(AdminEvent event, String realmName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", event.getId());
        body.put("kind", "admin");
        body.put("type", event.getResourceTypeAsString() + "." + event.getOperationType().name());
        body.put("time", event.getTime());
        body.put("realm", realmName);
        body.put("resourcePath", event.getResourcePath());
        body.put("error", event.getError());
        return json(body);
    }

    private static String json(Map<String, Object> body) {
        try {
            return JsonSerialization.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
