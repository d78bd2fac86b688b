"""The privileged endpoints' check: the token carries the service's role *and* the caller holds it
now. A token stays valid for minutes after an admin takes the role away or deletes the client;
Keycloak's live role mapping does not. No Flask."""

from __future__ import annotations

from collections.abc import Callable

from webhooks.api.bearer import Caller, Forbidden


def require_role(caller: Caller, role: str, live_roles: Callable[[str, str], set[str]]) -> None:
    """Forbidden unless both the token and Keycloak's current assignment grant `role`."""
    if role not in caller.roles:
        raise Forbidden(f"This token does not carry the {role!r} role. Call with a token of a machine client that "
                        f"`idp apply` granted it (machine_clients[].roles in the tenant's YAML).")
    if role not in live_roles(caller.realm, caller.user_id):
        raise Forbidden(f"The caller no longer holds the {role!r} role; ask the tenant's admin to grant it again.")
