package dev.idp.keycloak.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AccountsClaimMapperTest {
    @Test
    void theExchangeNoteNamesEachReachableAccountAndItsCap() {
        assertEquals(Map.of("org-1", "viewer", "org-2", ""), AccountsClaimMapper.patAccounts("org-1=viewer,org-2="));
        assertEquals(Map.of(), AccountsClaimMapper.patAccounts(""), "a token that reaches no account");
        assertNull(AccountsClaimMapper.patAccounts(null), "not an exchanged token: every account");
    }
}
