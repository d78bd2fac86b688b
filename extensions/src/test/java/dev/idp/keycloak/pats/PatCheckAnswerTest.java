package dev.idp.keycloak.pats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatCheckAnswerTest {
    @Test
    void anActiveAnswerNamesTheOwnerAndTheAccountsItReaches() {
        PatCheck.Answer answer = PatCheck.Answer.from(Map.of("active", true, "user_id", "u-1", "accounts",
                List.of(Map.of("id", "org-1", "role", "viewer"), Map.of("id", "org-2", "role", ""))));
        assertTrue(answer.active());
        assertEquals("u-1", answer.userId());
        assertEquals("org-1=viewer,org-2=", answer.accountsNote());
    }

    @Test
    void anythingElseIsInactiveAndReachesNothing() {
        PatCheck.Answer answer = PatCheck.Answer.from(Map.of("active", "yes", "accounts", "org-1"));
        assertFalse(answer.active());
        assertNull(answer.userId());
        assertEquals("", answer.accountsNote());
        assertEquals("client_not_allowed",
                PatCheck.Answer.from(Map.of("active", false, "error", "client_not_allowed")).error());
    }
}
