package dev.idp.keycloak.password;

/** The policies this module registers (see META-INF/services). Ids are what realm passwordPolicy strings use. */
final class Factories {
    private Factories() {
    }

    public static final class LatinUpper extends RulePasswordPolicyFactory {
        public LatinUpper() {
            super("idp-latin-upper", "Uppercase Latin letters", "1", PasswordRules.LATIN_UPPER);
        }
    }

    public static final class LatinLower extends RulePasswordPolicyFactory {
        public LatinLower() {
            super("idp-latin-lower", "Lowercase Latin letters", "1", PasswordRules.LATIN_LOWER);
        }
    }

    public static final class DigitOrSymbol extends RulePasswordPolicyFactory {
        public DigitOrSymbol() {
            super("idp-digit-or-symbol", "Digits or symbols", "1", PasswordRules.DIGIT_OR_SYMBOL);
        }
    }

    public static final class AllowedCharacters extends RulePasswordPolicyFactory {
        public AllowedCharacters() {
            super("idp-allowed-characters", "Only Latin letters, digits and listed symbols", "1", PasswordRules.ALLOWED_CHARACTERS);
        }
    }

    public static final class NoRepeatingGroups extends RulePasswordPolicyFactory {
        public NoRepeatingGroups() {
            super("idp-no-repeating-groups", "Maximum repeats of a character group", "2", PasswordRules.NO_REPEATING_GROUPS);
        }
    }
}
