package dev.idp.keycloak.events;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: v1,base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), where the
 * key is the base64 part of a "whsec_..." secret. Built only from a valid secret, so a sender
 * without one cannot exist: unsigned delivery is impossible by construction.
 */
public final class WebhookSigner {
    private static final String PREFIX = "whsec_";
    private final byte[] key;
    // One initialised Mac per sending thread: looking the algorithm up and keying it for every event
    // cost more than the HMAC itself.
    private final ThreadLocal<Mac> macs;

    private WebhookSigner(byte[] key) {
        this.key = key;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** A signer for a whsec_ secret, or empty when the secret is missing or malformed. */
    public static Optional<WebhookSigner> fromSecret(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
            return key.length >= 24 ? Optional.of(new WebhookSigner(key)) : Optional.empty();
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
    }

    public String sign(String id, long timestampSeconds, String body) {
        // doFinal resets the Mac for the thread's next message.
        byte[] digest = macs.get().doFinal((id + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(digest);
    }
}
