package dev.idp.keycloak.login;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LockoutAwarePasswordFormTest {
    @Test
    void roundsTheWaitUpToWholeMinutes() {
        assertEquals(1, LockoutAwarePasswordForm.minutesLeft(1_060, 1_000));
        assertEquals(1, LockoutAwarePasswordForm.minutesLeft(1_010, 1_000));
        assertEquals(2, LockoutAwarePasswordForm.minutesLeft(1_061, 1_000));
        assertEquals(15, LockoutAwarePasswordForm.minutesLeft(1_900, 1_000));
    }

    @Test
    void aLockThatHasJustEndedStillSaysOneMinute() {
        assertEquals(1, LockoutAwarePasswordForm.minutesLeft(1_000, 1_000));
        assertEquals(1, LockoutAwarePasswordForm.minutesLeft(990, 1_000));
    }
}
