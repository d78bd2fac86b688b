package dev.idp.keycloak.look;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.keycloak.util.JsonSerialization;

/**
 * A tenant's logo, primary colour and favicon as `idp apply` writes them (realm attribute
 * {@value #REALM_ATTRIBUTE}), checked again here because a realm admin can edit the attribute: a
 * value that is not a plain colour or address is dropped, never written into CSS.
 */
record Look(Optional<String> primaryColor, Optional<String> logoUrl, Optional<String> faviconUrl) {
    static final String REALM_ATTRIBUTE = "idp.look";
    private static final Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");
    // Nothing that could close a CSS string or url(), or an HTML attribute.
    private static final Pattern ADDRESS = Pattern.compile("https?://[^\\s/?#\"'<>()\\\\]+(/[^\\s\"'<>{}()\\\\]*)?");

    static Look parse(String json) {
        if (json == null || json.isBlank()) {
            return new Look(Optional.empty(), Optional.empty(), Optional.empty());
        }
        Map<?, ?> values;
        try {
            values = JsonSerialization.readValue(json, Map.class);
        } catch (IOException e) {
            values = Map.of();
        }
        return new Look(matching(values.get("primary_color"), COLOR), matching(values.get("logo_url"), ADDRESS),
                matching(values.get("favicon_url"), ADDRESS));
    }

    private static Optional<String> matching(Object value, Pattern pattern) {
        return value instanceof String text && pattern.matcher(text).matches() ? Optional.of(text) : Optional.empty();
    }

    /** The colour with a fifth of black mixed in: hover and pressed states. */
    static String darker(String color) {
        int rgb = Integer.parseInt(color.substring(1), 16);
        int r = (rgb >> 16 & 0xff) * 4 / 5;
        int g = (rgb >> 8 & 0xff) * 4 / 5;
        int b = (rgb & 0xff) * 4 / 5;
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, b);
    }

    /** Overrides of the theme's variables, and the logo above the card (login and service pages). */
    String css() {
        StringBuilder css = new StringBuilder();
        primaryColor.ifPresent(color -> css.append(":root{--idp-brand:").append(color)
                .append(";--idp-brand-dark:").append(darker(color)).append(";}\n"));
        logoUrl.ifPresent(url -> css.append("#kc-header-wrapper::before,.idp-tenant::before{content:\"\";display:block;")
                .append("height:3rem;margin:0 auto .75rem;background:url(\"").append(url)
                .append("\") center/contain no-repeat;}\n"));
        return css.toString();
    }
}
