"""One module per Keycloak resource kind, applied in the order of RESOURCES.

Each module offers plan(admin, tenant, exists) -> list[Change]; a Change's run() makes it so.
"""

from provisioner.resources import (
    api_access,
    browser_flow,
    builtin_clients,
    cli_client,
    client_scopes,
    clients,
    realm,
    realm_texts,
    registration_flow,
    required_actions,
    service_account,
    user_profile,
)

# Dependency order: the realm first, scopes before the clients that use them, the service
# client before its service account's roles and the API roles it grants to machine clients.
RESOURCES = (realm, user_profile, registration_flow, browser_flow, required_actions, realm_texts, client_scopes,
             clients, cli_client, builtin_clients, service_account, api_access)
