package dev.idp.keycloak.onboarding;

import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.keycloak.TokenVerifier;
import org.keycloak.common.VerificationException;
import org.keycloak.common.util.Time;
import org.keycloak.representations.JsonWebToken;

/**
 * Checks the service's signed result: HS256 with one of the realm's result keys, not expired, issued by the
 * service, meant for this realm, about this user, and answering this very hand-over (rid).
 * Returns why it is refused, or empty when it is good.
 */
final class OnboardingResultVerifier {
    private OnboardingResultVerifier() {
    }

    static Optional<String> problem(String result, List<SecretKey> keys, String realmIssuer, String userId,
            String returnId) {
        if (result == null || result.isBlank()) {
            return Optional.of("no result");
        }
        JsonWebToken token = null;
        for (SecretKey key : keys) {
            try {
                TokenVerifier<JsonWebToken> verifier = TokenVerifier.create(result, JsonWebToken.class);
                if (!"HS256".equals(verifier.getHeader().getRawAlgorithm())) {
                    return Optional.of("unexpected algorithm");
                }
                token = verifier.secretKey(key).verify().getToken();
                break;
            } catch (VerificationException e) {
                // Not this key (or malformed): try the next accepted one.
            }
        }
        if (token == null) {
            return Optional.of("bad signature or malformed");
        }
        if (token.getExp() == null || token.getExp() < Time.currentTime()) {
            return Optional.of("expired");
        }
        if (!OnboardingSettings.RESULT_ISSUER.equals(token.getIssuer())) {
            return Optional.of("wrong issuer");
        }
        if (!token.hasAudience(realmIssuer)) {
            return Optional.of("meant for another realm");
        }
        if (!userId.equals(token.getSubject())) {
            return Optional.of("about another user");
        }
        if (!returnId.equals(token.getOtherClaims().get("rid"))) {
            return Optional.of("answers another hand-over");
        }
        if (!"completed".equals(token.getOtherClaims().get("result"))) {
            return Optional.of("onboarding not completed");
        }
        if (token.getId() == null) {
            return Optional.of("no token id");
        }
        return Optional.empty();
    }

    static String id(String result) {
        try {
            return TokenVerifier.create(result, JsonWebToken.class).getToken().getId();
        } catch (VerificationException e) {
            return null;
        }
    }
}
