package dev.idp.keycloak.onboarding;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC keys of hand-over and result tokens: one per realm and per direction, derived from the
 * shared onboarding secret, so a token of one realm or one direction is worthless in another.
 * Rotation without downtime: tokens are signed with the current secret and accepted with the
 * current or any previous one (IDP_ONBOARDING_PREVIOUS_SECRETS) for as long as that is set.
 * The service derives the same keys (webhooks/onboarding/keys.py; both test the same vector).
 */
public final class OnboardingKeys {
    static final String HANDOVER = "handover";
    static final String RESULT = "result";
    /** The service's signed invitation hint on the registration form (dev.idp.keycloak.invitations). */
    public static final String INVITATION = "invitation";
    static final int MIN_SECRET_BYTES = 32;

    private final List<byte[]> secrets;

    private OnboardingKeys(List<byte[]> secrets) {
        this.secrets = secrets;
    }

    /** The keys from the current secret and a comma-separated list of previous ones; empty if the
     * current one is missing or weak (then onboarding refuses to run). Weak previous ones are ignored. */
    public static Optional<OnboardingKeys> parse(String current, String previous) {
        Optional<byte[]> first = decode(current);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        List<byte[]> all = new ArrayList<>(List.of(first.get()));
        if (previous != null) {
            for (String item : previous.split(",")) {
                decode(item.trim()).ifPresent(all::add);
            }
        }
        return Optional.of(new OnboardingKeys(List.copyOf(all)));
    }

    private static Optional<byte[]> decode(String secret) {
        if (secret == null || secret.isBlank()) {
            return Optional.empty();
        }
        try {
            byte[] raw = Base64.getDecoder().decode(secret.trim());
            return raw.length >= MIN_SECRET_BYTES ? Optional.of(raw) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The key this side signs with. */
    SecretKey signing(String realm, String purpose) {
        return derive(secrets.get(0), purpose, realm);
    }

    /** Every key a token of this realm and purpose may be signed with, the current one first. */
    public List<SecretKey> accepted(String realm, String purpose) {
        return secrets.stream().map(secret -> derive(secret, purpose, realm)).toList();
    }

    static SecretKey derive(byte[] secret, String purpose, String realm) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] key = mac.doFinal(("idp-onboarding/" + purpose + "/" + realm).getBytes(StandardCharsets.UTF_8));
            return new SecretKeySpec(key, "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
