package dev.idp.keycloak.activation;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A random password that the realm's own policy accepts: Keycloak's policies (with ours among them)
 * judge each candidate, so no rule is written twice. Letters and digits only, one of each class
 * guaranteed, or with a symbol too (every other try), at the lengths most policies allow first.
 */
final class GeneratedPassword {
    static final String UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    static final String LOWER = "abcdefghijkmnopqrstuvwxyz";
    static final String DIGITS = "23456789";
    static final String SYMBOLS = "!#%+-=@_";
    /** Lengths tried in turn: a tenant's minimum and maximum are unknown here, its policy judges. */
    static final int[] LENGTHS = {16, 20, 12, 24, 32, 10, 8, 48, 64};
    static final int TRIES_PER_LENGTH = 6;

    private GeneratedPassword() {
    }

    /** A password the policy accepts, or empty when none was found in a bounded number of tries. */
    static Optional<String> generate(Predicate<String> acceptable, SecureRandom random) {
        for (int length : LENGTHS) {
            for (int attempt = 0; attempt < TRIES_PER_LENGTH; attempt++) {
                String candidate = candidate(length, attempt % 2 == 1, random);
                if (acceptable.test(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static String candidate(int length, boolean symbols, SecureRandom random) {
        String all = UPPER + LOWER + DIGITS + (symbols ? SYMBOLS : "");
        char[] out = new char[length];
        out[0] = pick(UPPER, random);
        out[1] = pick(LOWER, random);
        out[2] = pick(DIGITS, random);
        int next = 3;
        if (symbols) {
            out[next++] = pick(SYMBOLS, random);
        }
        for (int i = next; i < length; i++) {
            out[i] = pick(all, random);
        }
        for (int i = length - 1; i > 0; i--) { // the guaranteed classes anywhere, not always first
            int j = random.nextInt(i + 1);
            char swap = out[i];
            out[i] = out[j];
            out[j] = swap;
        }
        return new String(out);
    }

    private static char pick(String alphabet, SecureRandom random) {
        return alphabet.charAt(random.nextInt(alphabet.length()));
    }
}
