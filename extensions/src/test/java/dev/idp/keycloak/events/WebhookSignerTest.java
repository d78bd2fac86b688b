package dev.idp.keycloak.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSignerTest {
    @Test
    void matchesTheStandardWebhooksReferenceVector() {
        // The example from the Standard Webhooks specification.
        var signer = WebhookSigner.fromSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").orElseThrow();
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}"));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "secret", "whsec_", "whsec_not*base64", "whsec_c2hvcnQ="})
    void refusesMissingOrWeakSecrets(String secret) {
        assertTrue(WebhookSigner.fromSecret(secret).isEmpty());
    }
}
