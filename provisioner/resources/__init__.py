"""One module per Keycloak resource kind, planned in the order of RESOURCES and applied as AFTER allows.

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

# What each module waits for within one tenant when applied (provisioner/tenant_apply.py); modules
# with nothing between them run side by side. Every module needs the realm. The two copied flows
# each bind themselves with a PUT of the realm, and Keycloak writes the realm's whole row: two at
# once could lose one binding, so they take turns. The other edges are the order above.
AFTER: dict = {
    realm: (),
    user_profile: (realm,),
    registration_flow: (realm,),
    browser_flow: (registration_flow,),
    required_actions: (realm,),
    realm_texts: (realm,),
    client_scopes: (realm,),
    clients: (client_scopes,),
    cli_client: (realm,),
    builtin_clients: (realm,),
    service_account: (clients,),
    api_access: (clients,),
}

# Among modules ready at once, these start first: the cli client's flow is built one step after another,
# the longest chain of requests in a first apply.
STARTS_FIRST = (cli_client,)
