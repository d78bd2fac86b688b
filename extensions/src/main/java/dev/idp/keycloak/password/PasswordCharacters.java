package dev.idp.keycloak.password;

/** The character classes the tenant password rules talk about (seed 002/004 lists the symbols). */
final class PasswordCharacters {
    /** Symbols that count as "one special character"; also the only non-alphanumerics allowed. */
    static final String SYMBOLS = "?!~@#$%^&_-+*=;:,./\\|`[]{}()";

    private PasswordCharacters() {
    }

    static boolean isLatinUpper(int c) {
        return c >= 'A' && c <= 'Z';
    }

    static boolean isLatinLower(int c) {
        return c >= 'a' && c <= 'z';
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isSymbol(int c) {
        return c < 0x80 && SYMBOLS.indexOf(c) >= 0;
    }

    static boolean isAllowed(int c) {
        return isLatinUpper(c) || isLatinLower(c) || isDigit(c) || isSymbol(c);
    }

    static long count(String password, java.util.function.IntPredicate predicate) {
        return password.codePoints().filter(predicate).count();
    }
}
