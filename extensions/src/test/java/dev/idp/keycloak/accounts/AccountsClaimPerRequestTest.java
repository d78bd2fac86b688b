package dev.idp.keycloak.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.organization.OrganizationProvider;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.IDToken;

/** A refresh mints an access token and an ID token in one request: the store is read once for both. */
class AccountsClaimPerRequestTest {

    @SuppressWarnings("unchecked")
    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            Object answer = answers.get(method.getName());
            if (answer instanceof java.util.function.Function<?, ?> f) {
                return ((java.util.function.Function<Object[], Object>) f).apply(args);
            }
            return answer;
        });
    }

    private static KeycloakSession request(OrganizationProvider organizations) {
        RealmModel realm = stub(RealmModel.class, Map.of("isOrganizationsEnabled", true));
        KeycloakContext context = stub(KeycloakContext.class, Map.of("getRealm", realm));
        Map<String, Object> attributes = new HashMap<>();
        return stub(KeycloakSession.class, Map.of(
                "getContext", context,
                "getProvider", organizations,
                "getAttribute", (java.util.function.Function<Object[], Object>) args -> attributes.get((String) args[0]),
                "setAttribute", (java.util.function.Function<Object[], Object>) args -> attributes.put((String) args[0], args[1])));
    }

    @Test
    void theAccessAndIdTokenOfOneRequestShareOneReadOfTheStore() {
        AtomicInteger reads = new AtomicInteger();
        OrganizationModel org = stub(OrganizationModel.class, Map.of("isEnabled", true, "getId", "org-1",
                "getAlias", "100-200-300", "getName", "Acme", "getAttributes", Map.of("accountName", List.of("Acme"))));
        OrganizationProvider organizations = stub(OrganizationProvider.class, Map.of(
                "getByMember", (java.util.function.Function<Object[], Object>) args -> {
                    reads.incrementAndGet();
                    return Stream.of(org);
                },
                "getOrganizationGroupsByMember", (java.util.function.Function<Object[], Object>) args -> Stream.empty()));
        UserModel user = stub(UserModel.class, Map.of("getId", "user-1"));
        UserSessionModel userSession = stub(UserSessionModel.class, Map.of("getUser", user, "getId", "session-1"));
        ProtocolMapperModel mapping = new ProtocolMapperModel();
        mapping.setId("mapper-1");
        mapping.setConfig(Map.of());
        AccountsClaimMapper mapper = new AccountsClaimMapper();

        KeycloakSession first = request(organizations);
        IDToken access = new AccessToken();
        IDToken id = new IDToken();
        mapper.setClaim(access, mapping, userSession, first, null);
        mapper.setClaim(id, mapping, userSession, first, null);
        assertEquals(1, reads.get(), "one read for both tokens of the request");
        assertEquals(access.getOtherClaims().get("accounts"), id.getOtherClaims().get("accounts"));
        assertEquals("100-200-300", ((List<Map<String, Object>>) access.getOtherClaims().get("accounts")).get(0).get("number"));

        mapper.setClaim(new AccessToken(), mapping, userSession, request(organizations), null);
        assertEquals(2, reads.get(), "the next request reads the store again: a membership change shows at once");
    }
}
