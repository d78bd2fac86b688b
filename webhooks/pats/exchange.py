"""What Keycloak's token exchange (RFC 8693: a personal access token in, a short-lived Keycloak
access token out) may issue, decided here so the rules stay with the tokens: the exchanging client
must hold `idp-token-introspector` now, the token must work now (tokens.check), and the new access
token reaches only the accounts the personal token may: its one account at its role, or every
account of the owner whose status gives API tokens. No Flask."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from contract.names import API_BLOCKING_STATUSES, TOKEN_INTROSPECTOR_ROLE
from webhooks.accounts.memberships import Memberships
from webhooks.pats.tokens import PersonalAccessToken, PersonalAccessTokens


@dataclass(frozen=True)
class Reach:
    active: bool
    user_id: str | None = None
    token_id: str | None = None
    # account id -> the role the new token is capped at ("" : the owner's own roles)
    accounts: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # why a client may not exchange at all

    def as_dict(self) -> dict:
        if not self.active:
            return {"active": False} | ({"error": self.error} if self.error else {})
        return {"active": True, "user_id": self.user_id, "token_id": self.token_id,
                "accounts": [{"id": k, "role": v} for k, v in self.accounts.items()]}


def reachable_accounts(memberships: Memberships, realm: str, row: PersonalAccessToken) -> list[dict]:
    """The accounts a working token reaches: its one account at its role, or every account of the
    owner whose status gives API tokens, with the owner's own role and the account's number."""
    if row.account_id is not None:
        return [{"id": row.account_id, "role": row.role}]
    if memberships.settings_or_none(realm) is None:
        return []
    return [{"id": a["id"], "number": a["number"], "role": a["role"]}
            for a in memberships.accounts_of(realm, row.user_id) if a["status"] not in API_BLOCKING_STATUSES]


def exchange_reach(tokens: PersonalAccessTokens, memberships: Memberships,
                   realm_roles_of: Callable[[str, str], set[str]], realm: str, token: str,
                   client_account_id: str | None) -> Reach:
    """client_account_id: the exchanging client's service-account user (None: it has none)."""
    if client_account_id is None or TOKEN_INTROSPECTOR_ROLE not in realm_roles_of(realm, client_account_id):
        return Reach(False, error="client_not_allowed")
    row = tokens.check(realm, token)
    if row is None:
        return Reach(False)
    # A limited token is capped at its role; an unlimited one (it has none) keeps the owner's roles ("").
    cap = row.role or ""
    return Reach(True, row.user_id, row.id, {a["id"]: cap for a in reachable_accounts(memberships, realm, row)})
