package dev.idp.keycloak.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.keycloak.representations.userprofile.config.UPAttribute;

class EmailLengthFormActionTest {
    private static UPAttribute email(Map<String, Map<String, Object>> validations) {
        UPAttribute attribute = new UPAttribute("email");
        attribute.setValidations(validations);
        return attribute;
    }

    @Test
    void readsTheLimitFromTheUserProfileLengthValidator() {
        assertEquals(Optional.of(320), EmailLengthFormAction.maxLength(email(Map.of("length", Map.of("max", 320)))));
        assertEquals(Optional.of(254), EmailLengthFormAction.maxLength(email(Map.of("length", Map.of("max", "254")))));
    }

    @Test
    void noLengthValidatorMeansNoLimitOfOurs() {
        assertEquals(Optional.empty(), EmailLengthFormAction.maxLength(email(Map.of("email", Map.of()))));
        assertEquals(Optional.empty(), EmailLengthFormAction.maxLength(email(null)));
        assertEquals(Optional.empty(), EmailLengthFormAction.maxLength(null));
        assertEquals(Optional.empty(), EmailLengthFormAction.maxLength(email(Map.of("length", Map.of("min", 3)))));
    }
}
