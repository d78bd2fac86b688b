"""Personal access tokens wired to Keycloak (the owner's state, live), the accounts (the owner's
role, live) and the tenant's settings (the longest lifetime)."""

from __future__ import annotations

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakGetError
from sqlalchemy.orm import sessionmaker

from contract.names import API_ACCESS_ROLE
from webhooks.accounts.memberships import Memberships
from webhooks.accounts.status import AccountStatuses
from webhooks.api_access.activation import ApiAccessActivation
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.pats.tokens import PersonalAccessTokens, UserFacts


def personal_access_tokens(sessions: sessionmaker, gateway: KeycloakGateway, memberships: Memberships,
                           activation: ApiAccessActivation, statuses: AccountStatuses) -> PersonalAccessTokens:
    def user_facts(realm: str, user_id: str) -> UserFacts:
        def read(admin: KeycloakAdmin) -> UserFacts:
            try:
                user = admin.get_user(user_id)
            except KeycloakGetError as exc:
                if exc.response_code == 404:
                    return UserFacts(exists=False, enabled=False, api_access=False)
                raise
            roles = {r["name"] for r in admin.get_realm_roles_of_user(user_id)}
            return UserFacts(True, bool(user.get("enabled")), API_ACCESS_ROLE in roles, user.get("email"))

        return gateway.call(realm, "reading a token owner", read)

    def account_role(realm: str, account_id: str, user_id: str) -> str | None:
        if memberships.settings_or_none(realm) is None:
            return None
        holder = memberships.holder(realm, account_id, user_id)
        return holder.account_role if holder else None

    def role_rank(realm: str, role: str) -> int | None:
        settings = memberships.settings_or_none(realm)
        if settings is None or settings.level(role) != "account":
            return None
        return settings.rank(role)

    def account_usable(realm: str, account_id: str) -> bool:
        status = statuses.read(realm, account_id)
        return status is not None and status.gives_api_tokens

    return PersonalAccessTokens(sessions, user_facts, account_role, role_rank,
                                lambda realm: activation.settings(realm).token_max_days, account_usable)
