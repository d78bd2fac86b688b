"""What a new realm is created with, in its one creation request: the realm settings, its starting
keys, and the parts Keycloak's realm import takes as they are (relying-app, service, machine and
`cli` clients with their protocol mappers; the realm roles our modules would add; the tenant's
texts). Each later module still plans against the realm as Keycloak then reports it, so what the
import did not set (default client scopes, flows, service-account roles, ...) is converged by the
same code as on any apply, and anything the import set differently shows up there as a change.
A first apply thus sends about a third fewer requests; the result is the same realm.

Left out on purpose: client scopes (given any, Keycloak would not create its default ones), flows
(given any, it would not create its built-in ones), required actions (likewise) and users (the
service accounts are made by Keycloak from `serviceAccountsEnabled`)."""

from __future__ import annotations

from contract.names import API_ACCESS_ROLE, SERVICE_API_ROLES
from provisioner.config.model import Tenant
from provisioner.resources import api_access, cli_client, clients, realm_texts
from provisioner.resources.realm_keys import starting_keys


def _clients(tenant: Tenant) -> list[dict]:
    service = tenant.service_client.client_id
    wanted = [(rep, mappers) for rep, _, mappers in clients.wanted_clients(tenant)]
    wanted.append((cli_client.cli_client(tenant), clients.claim_mappers(service, api_client=True)))
    return [{**rep, "protocolMappers": [dict(m) for m in mappers]} for rep, mappers in wanted]


def _roles() -> list[dict]:
    described = {**api_access.ROLE_DESCRIPTIONS, API_ACCESS_ROLE: cli_client.ROLE_DESCRIPTION}
    return [{"name": name, "description": described[name]} for name in (*SERVICE_API_ROLES, API_ACCESS_ROLE)]


def _texts(tenant: Tenant) -> dict[str, dict[str, str]]:
    return {locale: {k: v for k, v in texts.items() if v is not None}
            for locale, texts in realm_texts.wanted(tenant).items()}


def creation_representation(tenant: Tenant, settings: dict) -> dict:
    """The realm settings (resources/realm.py's) with everything else a creation may carry."""
    return {**settings, "components": starting_keys(), "clients": _clients(tenant),
            "roles": {"realm": _roles()}, "localizationTexts": _texts(tenant)}
