package dev.idp.keycloak.onboarding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class OnboardingKeysTest {
    // The same vector is checked by the service (tests/unit/test_onboarding_keys.py): both sides must
    // derive the same key for a realm and a direction.
    static final String SECRET = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    static final String PREVIOUS = "cHJldmlvdXMtcHJldmlvdXMtcHJldmlvdXMtcHJldmlvdXM=";

    static String hex(javax.crypto.SecretKey key) {
        return HexFormat.of().formatHex(key.getEncoded());
    }

    @Test
    void derivesOneKeyPerRealmAndDirection() {
        OnboardingKeys keys = OnboardingKeys.parse(SECRET, null).orElseThrow();
        assertEquals("957eae5403554e4a26ace59a2bd6227901969132d8a39513f715dd34c6ddb5aa",
                hex(keys.signing("cloud", OnboardingKeys.HANDOVER)));
        assertEquals("b756e8b796b5c730e75684c3b72349f9320cd9a713d1abc7acb7cd5399ca071a",
                hex(keys.signing("cloud", OnboardingKeys.RESULT)));
        assertNotEquals(hex(keys.signing("cloud", OnboardingKeys.HANDOVER)),
                hex(keys.signing("paas", OnboardingKeys.HANDOVER)));
    }

    @Test
    void signsWithTheCurrentSecretAndAcceptsPreviousOnes() {
        OnboardingKeys rotating = OnboardingKeys.parse(SECRET, PREVIOUS + ", not-base64!").orElseThrow();
        OnboardingKeys old = OnboardingKeys.parse(PREVIOUS, null).orElseThrow();
        assertEquals(hex(OnboardingKeys.parse(SECRET, null).orElseThrow().signing("cloud", "result")),
                hex(rotating.signing("cloud", "result")));
        assertEquals(2, rotating.accepted("cloud", "result").size());
        assertEquals(hex(old.signing("cloud", "result")), hex(rotating.accepted("cloud", "result").get(1)));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "c2hvcnQ=", "not base64 at all"})
    void refusesMissingOrWeakSecrets(String secret) {
        assertTrue(OnboardingKeys.parse(secret, PREVIOUS).isEmpty());
    }
}
