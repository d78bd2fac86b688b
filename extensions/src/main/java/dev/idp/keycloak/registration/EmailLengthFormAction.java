package dev.idp.keycloak.registration;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.core.MultivaluedMap;
import org.keycloak.authentication.ValidationContext;
import org.keycloak.events.Errors;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.representations.userprofile.config.UPAttribute;
import org.keycloak.userprofile.UserProfileProvider;

/**
 * Says "at most N characters" for an email longer than the realm allows. Keycloak's email
 * validator runs first in user creation and answers any over-long address with its generic
 * "Invalid email address" (a 321-character address always breaks its 64/255 part limits too), so
 * this step sits first in the registration form. The limit is the user profile's own email length
 * validator, the one `idp apply` writes: no second copy of the rule here.
 */
public class EmailLengthFormAction extends FormStep {
    public static final String ID = "idp-email-length";
    static final String MESSAGE = "idpEmailTooLong";

    static Optional<Integer> maxLength(UPAttribute email) {
        if (email == null || email.getValidations() == null) {
            return Optional.empty();
        }
        Map<String, Object> length = email.getValidations().get("length");
        Object max = length == null ? null : length.get("max");
        try {
            return max == null ? Optional.empty() : Optional.of(Integer.parseInt(max.toString()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public void validate(ValidationContext context) {
        MultivaluedMap<String, String> form = context.getHttpRequest().getDecodedFormParameters();
        String email = Optional.ofNullable(form.getFirst("email")).map(String::trim).orElse("");
        UserProfileProvider profile = context.getSession().getProvider(UserProfileProvider.class);
        Optional<Integer> max = maxLength(profile.getConfiguration().getAttribute(UserModel.EMAIL));
        if (max.isPresent() && email.length() > max.get()) {
            context.error(Errors.INVALID_REGISTRATION);
            context.validationError(form, List.of(new FormMessage(UserModel.EMAIL, MESSAGE, max.get())));
            return;
        }
        context.success();
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Email length (idp)";
    }

    @Override
    public String getHelpText() {
        return "Refuses an email longer than the user profile's email length limit, naming the limit.";
    }

}
