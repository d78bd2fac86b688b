package dev.idp.keycloak.onboarding;

import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.keycloak.Config;
import org.keycloak.models.RealmModel;
import org.keycloak.util.JsonSerialization;

/**
 * Where the onboarding service lives and the HMAC key both sides sign hand-over and result tokens
 * with (--spi-required-action--onboarding--url/--secret, or IDP_ONBOARDING_URL/IDP_ONBOARDING_SECRET),
 * plus the realm's published onboarding section (idp.onboarding attribute, written by `idp apply`).
 */
final class OnboardingSettings {
    static final String REALM_ATTRIBUTE = "idp.onboarding";
    static final String COMPLETED_ATTRIBUTE = "onboardingCompleted";
    static final String AUDIENCE_HANDOVER = "idp-onboarding";
    static final String RESULT_ISSUER = "idp-onboarding-service";

    private static volatile OnboardingSettings current = new OnboardingSettings(null, null);

    final String serviceUrl;
    final SecretKey key;

    private OnboardingSettings(String serviceUrl, SecretKey key) {
        this.serviceUrl = serviceUrl;
        this.key = key;
    }

    static void configure(Config.Scope config) {
        String url = Optional.ofNullable(config.get("url")).orElse(System.getenv("IDP_ONBOARDING_URL"));
        String secret = Optional.ofNullable(config.get("secret")).orElse(System.getenv("IDP_ONBOARDING_SECRET"));
        SecretKey key = null;
        if (secret != null) {
            byte[] raw = Base64.getDecoder().decode(secret);
            if (raw.length >= 32) {
                key = new SecretKeySpec(raw, "HmacSHA256");
            }
        }
        current = new OnboardingSettings(url, key);
    }

    static OnboardingSettings get() {
        return current;
    }

    boolean configured() {
        return serviceUrl != null && key != null;
    }

    /** True if the realm has steps and blocks sign-in until they are done. */
    static boolean enforcedAtLogin(RealmModel realm) {
        Map<?, ?> section = section(realm);
        Object steps = section.get("steps");
        return "login".equals(section.get("enforce")) && steps instanceof java.util.List<?> list && !list.isEmpty();
    }

    private static Map<?, ?> section(RealmModel realm) {
        String raw = realm.getAttribute(REALM_ATTRIBUTE);
        if (raw == null || raw.isBlank()) {
            return Map.of();
        }
        try {
            return JsonSerialization.readValue(raw, Map.class);
        } catch (IOException e) {
            return Map.of();
        }
    }
}
