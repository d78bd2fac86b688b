package dev.idp.keycloak.claims;

import java.util.List;

import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAccessTokenMapper;
import org.keycloak.protocol.oidc.mappers.OIDCAttributeMapperHelper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.TokenIntrospectionTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.IDToken;

/**
 * A yes/no claim that is always in the token: {@code true} when the user attribute holds "true",
 * {@code false} otherwise, including before the attribute was ever set. Keycloak's own attribute
 * mapper leaves the claim out when the attribute is missing, and a relying app must not have to read
 * silence as "not yet" (a new user's {@code onboarding_complete} is {@code false}, not absent).
 */
public class FlagClaimMapper extends AbstractOIDCProtocolMapper
        implements OIDCAccessTokenMapper, OIDCIDTokenMapper, UserInfoTokenMapper, TokenIntrospectionTokenMapper {

    public static final String ID = "idp-flag-mapper";
    public static final String ATTRIBUTE = "user.attribute";

    private static final List<ProviderConfigProperty> CONFIG = List.of(
            new ProviderConfigProperty(ATTRIBUTE, "User attribute", "The attribute whose value \"true\" means yes.",
                    ProviderConfigProperty.STRING_TYPE, null),
            new ProviderConfigProperty(OIDCAttributeMapperHelper.TOKEN_CLAIM_NAME, "Token claim name",
                    "The claim that carries true or false.", ProviderConfigProperty.STRING_TYPE, null));

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public String getDisplayType() {
        return "Yes/no from a user attribute (idp)";
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getHelpText() {
        return "A boolean claim that is always present: true when the attribute is \"true\", else false.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    static boolean flag(String value) {
        return "true".equals(value);
    }

    @Override
    protected void setClaim(IDToken token, ProtocolMapperModel mapping, UserSessionModel userSession,
                            KeycloakSession session, ClientSessionContext clientSessionCtx) {
        String attribute = mapping.getConfig().get(ATTRIBUTE);
        String claim = mapping.getConfig().get(OIDCAttributeMapperHelper.TOKEN_CLAIM_NAME);
        if (attribute == null || attribute.isBlank() || claim == null || claim.isBlank()) {
            return;
        }
        token.getOtherClaims().put(claim, flag(userSession.getUser().getFirstAttribute(attribute)));
    }
}
