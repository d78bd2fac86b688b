"""Relying-app clients (public, PKCE S256, exact redirect URIs), the service's confidential client and
the machine clients of the provider's other systems (client credentials only)."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from contract.names import (
    ACCOUNTS_API_TOKEN_CONFIG,
    ACCOUNTS_MAPPER,
    CARD_BOUND,
    CARD_BOUND_CLAIM,
    CLI_CLIENT,
    FLAG_MAPPER,
    MANAGED_ATTRIBUTE,
    ONBOARDING_COMPLETE_CLAIM,
    ONBOARDING_COMPLETED,
    TOKEN_INTROSPECTOR_ROLE,
)
from contract.secrets import realm_client_secret
from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change, field_diffs
from provisioner.config.model import AppClient, MachineClient, ServiceClient, Tenant
from provisioner.errors import KeycloakApiError


def _boolean_claim(name: str, attribute: str, claim: str) -> dict:
    """Always in the token: false until the attribute says "true" (Keycloak's attribute mapper would
    leave the claim out, and an app cannot tell "not yet" from "not told")."""
    return {"name": name, "protocol": "openid-connect", "protocolMapper": FLAG_MAPPER,
            "config": {"user.attribute": attribute, "claim.name": claim,
                       "id.token.claim": "true", "access.token.claim": "true", "userinfo.token.claim": "true",
                       "introspection.token.claim": "true"}}


def service_audience(service_client_id: str) -> dict:
    """The service among the access token's audiences, so the caller may call the service's API with it."""
    return {"name": "service audience", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper",
            # Every switch named: Keycloak fills in an unnamed one when a client is created with the mapper.
            "config": {"included.client.audience": service_client_id, "id.token.claim": "false",
                       "access.token.claim": "true", "introspection.token.claim": "true",
                       "userinfo.token.claim": "false"}}


ACCOUNTS_MAPPER_CONFIG = {"id.token.claim": "true", "access.token.claim": "true", "userinfo.token.claim": "true",
                          "introspection.token.claim": "true"}


def claim_mappers(service_client_id: str, api_client: bool = False) -> tuple[dict, ...]:
    """What relying apps read from tokens about a user's sign-up (onboarding done, a card bound), their
    accounts and roles (our extension's mapper, from Keycloak's own store), and the service's audience.
    An API client's tokens leave out accounts whose status gives no API token (suspended, closed)."""
    accounts = dict(ACCOUNTS_MAPPER_CONFIG) | ({ACCOUNTS_API_TOKEN_CONFIG: "true"} if api_client else {})
    return (_boolean_claim("onboarding complete", ONBOARDING_COMPLETED, ONBOARDING_COMPLETE_CLAIM),
            _boolean_claim("card bound", CARD_BOUND, CARD_BOUND_CLAIM), service_audience(service_client_id),
            {"name": "accounts", "protocol": "openid-connect", "protocolMapper": ACCOUNTS_MAPPER,
             "config": accounts})


def app_client(client: AppClient) -> dict:
    """Representation of a public relying app using authorization code + PKCE."""
    return {
        "clientId": client.client_id, "name": client.name or client.client_id, "enabled": True,
        "protocol": "openid-connect", "publicClient": True, "standardFlowEnabled": True,
        "implicitFlowEnabled": False, "directAccessGrantsEnabled": False, "serviceAccountsEnabled": False,
        "frontchannelLogout": True, "redirectUris": list(client.redirect_uris), "webOrigins": list(client.web_origins),
        "attributes": {"pkce.code.challenge.method": "S256", MANAGED_ATTRIBUTE: "true",
                       "post.logout.redirect.uris": "##".join(client.post_logout_redirect_uris)},
    }


def service_client(client: ServiceClient, realm: str) -> dict:
    """Representation of the service's confidential client: client credentials for its own calls and,
    with a portal URL, code + PKCE for users signing in to its pages (exact redirect URIs)."""
    secret = {"secret": realm_client_secret(client.secret, realm)} if client.secret else {}
    pages = f"{client.portal_url}/my/{realm}" if client.portal_url else None
    sign_in = {"pkce.code.challenge.method": "S256", "post.logout.redirect.uris": f"{pages}/balance"} if pages else {}
    return secret | {
        "clientId": client.client_id, "name": "Identity platform service", "enabled": True,
        "protocol": "openid-connect", "publicClient": False, "clientAuthenticatorType": "client-secret",
        "serviceAccountsEnabled": True, "standardFlowEnabled": pages is not None, "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False, "redirectUris": [f"{pages}/signed-in"] if pages else [],
        "webOrigins": [],
        "attributes": {MANAGED_ATTRIBUTE: "true", **sign_in},
    }


def machine_client(client: MachineClient) -> dict:
    """Representation of another system's confidential client: client credentials and nothing else;
    its tokens carry only the roles scope-mapped to it (resources/api_access.py) and the service as
    audience."""
    secret = {"secret": client.secret} if client.secret else {}
    return secret | {
        "clientId": client.client_id, "name": client.name or client.client_id, "enabled": True,
        "protocol": "openid-connect", "publicClient": False, "clientAuthenticatorType": "client-secret",
        "serviceAccountsEnabled": True, "standardFlowEnabled": False, "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False, "fullScopeAllowed": False, "redirectUris": [], "webOrigins": [],
        "attributes": {MANAGED_ATTRIBUTE: "true"},
    }


def machine_mappers(client: MachineClient, service_client_id: str) -> tuple[dict, ...]:
    """The service as audience; a client that checks personal access tokens may also exchange them
    for access tokens (RFC 8693), which then carry the same claims a sign-in gives."""
    if TOKEN_INTROSPECTOR_ROLE in client.roles:
        return claim_mappers(service_client_id, api_client=True)
    return (service_audience(service_client_id),)


def _mapper_changes(admin: KeycloakAdmin, realm: str, client_id: str, have: dict,
                    mappers: tuple[dict, ...]) -> list[Change]:
    present = {m["name"]: m for m in have.get("protocolMappers") or []}
    changes = []
    for mapper in mappers:
        current = present.get(mapper["name"])
        if current is not None and current.get("config") == mapper["config"] \
                and current.get("protocolMapper") == mapper["protocolMapper"]:
            continue

        def upsert(mapper: dict = mapper, current: dict | None = current) -> None:
            admin.change_current_realm(realm)
            with keycloak_errors(f"setting the {mapper['name']} mapper of {client_id} in {realm}"):
                if current is not None and current.get("protocolMapper") == mapper["protocolMapper"]:
                    admin.update_client_mapper(have["id"], current["id"], {**current, **mapper})
                    return
                if current is not None:  # a mapper's type cannot be changed in place
                    admin.remove_client_mapper(have["id"], current["id"])
                admin.add_mapper_to_client(have["id"], mapper)

        changes.append(Change(realm, f"clients/{client_id}/mappers", "update", [f"{mapper['name']} mapper"], upsert))
    return changes


def client_changes(admin: KeycloakAdmin, realm: str, want: dict, have: dict | None,
                    default_scopes: list[str], mappers: tuple[dict, ...]) -> list[Change]:
    resource = f"clients/{want['clientId']}"
    if have is None:
        def create() -> None:
            admin.change_current_realm(realm)
            with keycloak_errors(f"creating client {want['clientId']} in {realm}"):
                # The mappers come with the client, in its one creation request.
                internal_id = admin.create_client({**want, "protocolMappers": list(mappers)} if mappers else want)
                _add_default_scopes(admin, internal_id, default_scopes, present=set())

        return [Change(realm, resource, "create", [f"default scopes +{s}" for s in default_scopes], create)]
    changes = []
    details = field_diffs(have, {k: v for k, v in want.items() if k != "secret"})
    if want.get("secret") and have.get("secret") != want["secret"]:
        details.append("secret: (rotated; value not shown)")
    if details:
        def update() -> None:
            admin.change_current_realm(realm)
            payload = {**want, "attributes": {**(have.get("attributes") or {}), **want["attributes"]}}
            with keycloak_errors(f"updating client {want['clientId']} in {realm}"):
                admin.update_client(have["id"], payload)

        changes.append(Change(realm, resource, "update", details, update))
    changes.extend(_mapper_changes(admin, realm, want["clientId"], have, mappers))
    with keycloak_errors(f"reading default scopes of {want['clientId']} in {realm}"):
        present = {s["name"] for s in admin.get_client_default_client_scopes(have["id"])}
    missing = [s for s in default_scopes if s not in present]
    if missing:
        def add_scopes() -> None:
            admin.change_current_realm(realm)
            _add_default_scopes(admin, have["id"], missing, present)

        changes.append(Change(realm, f"{resource}/default-scopes", "update", [f"+{s}" for s in missing], add_scopes))
    return changes or [Change(realm, resource, "unchanged")]


def _add_default_scopes(admin: KeycloakAdmin, client_id: str, names: list[str], present: set[str]) -> None:
    if not set(names) - present:
        return
    with keycloak_errors("assigning default client scopes"):
        scopes = {s["name"]: s["id"] for s in admin.get_client_scopes()}
        optional = {s["name"] for s in admin.get_client_optional_client_scopes(client_id)}
        for name in names:
            if name in present:
                continue
            if name not in scopes:
                raise KeycloakApiError(f"Client scope {name!r} does not exist in this realm.",
                                       "Remove it from default_scopes or create the scope first.")
            # Keycloak ignores a scope that is optional for the client; it must leave that list first.
            if name in optional:
                admin.delete_client_optional_client_scope(client_id, scopes[name])
            admin.add_client_default_client_scope(client_id, scopes[name], {})


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    """Create or update each declared client; with prune, delete our clients no longer declared."""
    service = tenant.service_client.client_id
    wanted = [(app_client(c), list(c.default_scopes), claim_mappers(service)) for c in tenant.clients]
    wanted.append((service_client(tenant.service_client, tenant.realm), [], ()))
    wanted.extend((machine_client(c), [], machine_mappers(c, service)) for c in tenant.machine_clients)
    if not exists:
        return [Change(tenant.realm, f"clients/{w['clientId']}", "create") for w, _, _ in wanted]
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"listing clients of {tenant.realm}"):
        current = {c["clientId"]: c for c in admin.get_clients()}
    changes = []
    for want, scopes, mappers in wanted:
        changes.extend(client_changes(admin, tenant.realm, want, current.get(want["clientId"]), scopes, mappers))
    # The cli client is ours too, planned by resources/cli_client.py.
    declared = {w["clientId"] for w, _, _ in wanted} | {CLI_CLIENT}
    for client_id, client in sorted(current.items()):
        ours = (client.get("attributes") or {}).get(MANAGED_ATTRIBUTE) == "true"
        if not ours or client_id in declared:
            continue
        if not prune:
            changes.append(Change(tenant.realm, f"clients/{client_id}", "unchanged",
                                  ["no longer in YAML; `idp apply --prune` deletes it"]))
            continue

        def delete(internal_id: str = client["id"], client_id: str = client_id) -> None:
            admin.change_current_realm(tenant.realm)
            with keycloak_errors(f"deleting client {client_id} from {tenant.realm}"):
                admin.delete_client(internal_id)

        changes.append(Change(tenant.realm, f"clients/{client_id}", "delete", ["not in YAML any more"], delete))
    return changes
