package dev.idp.keycloak.password;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.keycloak.policy.PolicyError;

/** The rules behind each idp-* password policy; messages are keys of theme-resources/messages. */
final class PasswordRules {
    private PasswordRules() {
    }

    static final PasswordRule LATIN_UPPER = (password, min) ->
            PasswordCharacters.count(password, PasswordCharacters::isLatinUpper) >= min
                    ? null : new PolicyError("idpPasswordLatinUpper", min);

    static final PasswordRule LATIN_LOWER = (password, min) ->
            PasswordCharacters.count(password, PasswordCharacters::isLatinLower) >= min
                    ? null : new PolicyError("idpPasswordLatinLower", min);

    static final PasswordRule DIGIT_OR_SYMBOL = (password, min) ->
            PasswordCharacters.count(password, c -> PasswordCharacters.isDigit(c) || PasswordCharacters.isSymbol(c)) >= min
                    ? null : new PolicyError("idpPasswordDigitOrSymbol", min, PasswordCharacters.SYMBOLS);

    /** Reports the first character outside Latin letters, digits and the symbol list, wherever it stands. */
    static final PasswordRule ALLOWED_CHARACTERS = (password, unused) -> password.codePoints()
            .filter(c -> !PasswordCharacters.isAllowed(c))
            .findFirst()
            .stream()
            .mapToObj(c -> new PolicyError("idpPasswordForbiddenCharacter", describe(c), PasswordCharacters.SYMBOLS))
            .findFirst()
            .orElse(null);

    /**
     * Rejects a group of characters repeated back to back more than maxRepeats times,
     * such as "aaa" or "123123123" (seed 002), anywhere in the password.
     */
    static final PasswordRule NO_REPEATING_GROUPS = (password, maxRepeats) -> {
        Matcher matcher = repeatedGroup(maxRepeats).matcher(password);
        return matcher.find() ? new PolicyError("idpPasswordRepeatingGroup", matcher.group(), maxRepeats) : null;
    };

    private static Pattern repeatedGroup(int maxRepeats) {
        return Pattern.compile("(.+?)\\1{" + Math.max(1, maxRepeats) + "}", Pattern.DOTALL);
    }

    private static String describe(int codePoint) {
        return Character.isWhitespace(codePoint) ? "space" : new String(Character.toChars(codePoint));
    }
}
