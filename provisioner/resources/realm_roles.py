"""Creating realm roles the plan found missing."""

from __future__ import annotations

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakPostError

HTTP_CONFLICT = 409


def create_missing(admin: KeycloakAdmin, roles: list[dict]) -> None:
    """Create each role; one made meanwhile by someone else (409) is fine. python-keycloak's skip_exists
    would first ask for each role by name, a request per role the plan already knows is missing."""
    for role in roles:
        try:
            admin.create_realm_role(role)
        except KeycloakPostError as exc:
            if exc.response_code != HTTP_CONFLICT:
                raise
