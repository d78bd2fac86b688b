package dev.idp.keycloak.onboarding;

import java.util.UUID;
import org.keycloak.authentication.actiontoken.DefaultActionToken;

/** Keycloak's own token inside the way back: it binds the service's result to this auth session. */
public class OnboardingReturnToken extends DefaultActionToken {
    public static final String TOKEN_TYPE = "idp-onboarding-return";

    public OnboardingReturnToken(String userId, int absoluteExpirationInSecs, String clientId) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, UUID.randomUUID());
        this.issuedFor = clientId;
    }

    /** For Jackson. */
    private OnboardingReturnToken() {
    }
}
