package dev.idp.keycloak.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PasswordRulesTest {
    @Test
    void acceptsAPasswordThatMeetsEveryRule() {
        String password = "Sunny-Harbor7";
        assertNull(PasswordRules.LATIN_UPPER.check(password, 1));
        assertNull(PasswordRules.LATIN_LOWER.check(password, 1));
        assertNull(PasswordRules.DIGIT_OR_SYMBOL.check(password, 1));
        assertNull(PasswordRules.ALLOWED_CHARACTERS.check(password, 1));
        assertNull(PasswordRules.NO_REPEATING_GROUPS.check(password, 2));
    }

    @Test
    void cyrillicCapitalsDoNotCountAsLatin() {
        assertEquals("idpPasswordLatinUpper", PasswordRules.LATIN_UPPER.check("Жabcdefg1", 1).getMessage());
    }

    @Test
    void eitherADigitOrASymbolSatisfiesTheRule() {
        assertNull(PasswordRules.DIGIT_OR_SYMBOL.check("Abcdefgh!", 1));
        assertNull(PasswordRules.DIGIT_OR_SYMBOL.check("Abcdefgh5", 1));
        assertEquals("idpPasswordDigitOrSymbol", PasswordRules.DIGIT_OR_SYMBOL.check("Abcdefgh", 1).getMessage());
    }

    @ParameterizedTest
    @CsvSource({"Пароль1Aa,П", "Abc defg1,space", "Abcdefg1<,<", "Abcd€fg1,€"})
    void namesTheForbiddenCharacterWherever(String password, String offending) {
        var error = PasswordRules.ALLOWED_CHARACTERS.check(password, 1);
        assertEquals("idpPasswordForbiddenCharacter", error.getMessage());
        assertEquals(offending, error.getParameters()[0]);
    }

    @ParameterizedTest
    @CsvSource({"aaa123123123Q", "Qwaaaerty1", "Qwerty1xyxyxy", "Q1w123123123"})
    void rejectsAGroupRepeatedThreeTimesAnywhere(String password) {
        assertEquals("idpPasswordRepeatingGroup", PasswordRules.NO_REPEATING_GROUPS.check(password, 2).getMessage());
    }

    @ParameterizedTest
    @CsvSource({"Hello1world", "Abab12cd", "Passw0rd11"})
    void allowsGroupsRepeatedAtMostTwice(String password) {
        assertNull(PasswordRules.NO_REPEATING_GROUPS.check(password, 2));
    }
}
