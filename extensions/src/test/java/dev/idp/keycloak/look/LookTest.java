package dev.idp.keycloak.look;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class LookTest {
    @Test
    void writesTheColourAndItsDarkerShadeAsVariables() {
        Look look = Look.parse("{\"primary_color\":\"#0b57d0\"}");
        assertEquals(":root{--idp-brand:#0b57d0;--idp-brand-dark:#0845a6;}\n", look.css());
    }

    @Test
    void putsTheLogoAboveTheCard() {
        String css = Look.parse("{\"logo_url\":\"https://cdn.example.com/logo.svg\"}").css();
        assertTrue(css.contains("url(\"https://cdn.example.com/logo.svg\")"), css);
    }

    @Test
    void dropsAnythingThatCouldBreakOutOfTheCss() {
        Look look = Look.parse("{\"primary_color\":\"red;}body{display:none\","
                + "\"logo_url\":\"https://x.example/a\\\");}*{x:url(\","
                + "\"favicon_url\":\"javascript:alert(1)\"}");
        assertEquals("", look.css());
        assertEquals(Optional.empty(), look.faviconUrl());
    }

    @Test
    void noLookOrABrokenOneMeansTheDefaultLook() {
        assertEquals("", Look.parse(null).css());
        assertEquals("", Look.parse("{not json").css());
    }
}
