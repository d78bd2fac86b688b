package dev.idp.keycloak.onboarding;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.keycloak.Config;
import org.keycloak.models.RealmModel;
import org.keycloak.util.JsonSerialization;

/**
 * Where the onboarding service lives and the secret both sides derive the token keys from
 * (--spi-required-action--onboarding--url/--secret/--previous-secrets, or IDP_ONBOARDING_URL,
 * IDP_ONBOARDING_SECRET, IDP_ONBOARDING_PREVIOUS_SECRETS), plus the realm's published onboarding
 * section (idp.onboarding attribute, written by `idp apply`).
 */
final class OnboardingSettings {
    static final String REALM_ATTRIBUTE = "idp.onboarding";
    static final String COMPLETED_ATTRIBUTE = "onboardingCompleted";
    static final String AUDIENCE_HANDOVER = "idp-onboarding";
    static final String RESULT_ISSUER = "idp-onboarding-service";

    private static volatile OnboardingSettings current = new OnboardingSettings(null, null);

    final String serviceUrl;
    final OnboardingKeys keys;

    private OnboardingSettings(String serviceUrl, OnboardingKeys keys) {
        this.serviceUrl = serviceUrl;
        this.keys = keys;
    }

    static void configure(Config.Scope config) {
        String url = Optional.ofNullable(config.get("url")).orElse(System.getenv("IDP_ONBOARDING_URL"));
        String secret = Optional.ofNullable(config.get("secret")).orElse(System.getenv("IDP_ONBOARDING_SECRET"));
        String previous = Optional.ofNullable(config.get("previous-secrets"))
                .orElse(System.getenv("IDP_ONBOARDING_PREVIOUS_SECRETS"));
        current = new OnboardingSettings(url, OnboardingKeys.parse(secret, previous).orElse(null));
    }

    static OnboardingSettings get() {
        return current;
    }

    boolean configured() {
        return serviceUrl != null && keys != null;
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
