"""The `cli` client command-line tools sign in with (OAuth device authorization grant, RFC 8628, and
code + PKCE on a loopback address, RFC 8252), and what guards it inside Keycloak.

Only users holding the realm role `idp-api-access` (activated on the service's page, or by
`idp users api-access`) get a token for it. Keycloak enforces that itself, so it holds with the service
down: the client's login flow (`idp cli sign-in`, bound to the client only) signs the user in as the
realm's login does, then a conditional step (Keycloak's "user role" condition, negated, and "deny
access") refuses anyone without the role, with a message that says where to activate it.

The flow is ours from the top because Keycloak ignores ALTERNATIVE steps beside a CONDITIONAL one at
the same level: the sign-in alternatives sit in a REQUIRED sub-flow, the check after it."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from keycloak import KeycloakAdmin

from contract.names import (
    API_ACCESS_DENIED_MESSAGE,
    API_ACCESS_ROLE,
    CLI_CLIENT,
    CLI_FLOW,
    MANAGED_ATTRIBUTE,
    PASSWORD_FORM,
)
from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant
from provisioner.resources import flow_steps, realm_roles
from provisioner.resources.clients import claim_mappers, client_changes

RESOURCE = "cli-client"
# Keycloak refuses ':' in the name of a flow created on its own (its reserved characters), so not
# "idp cli sign-in: sign in"; a realm whose flow has the older names gets it rebuilt once.
SIGN_IN = f"{CLI_FLOW} - sign in"
PASSWORD = f"{CLI_FLOW} - password"
SECOND_FACTOR = f"{CLI_FLOW} - second factor"
CHECK = f"{CLI_FLOW} - API access required"
ROLE_DESCRIPTION = "API access: may sign in to command-line tools (the cli client) and create access tokens"


@dataclass(frozen=True)
class Step:
    """One execution of the flow: its depth, what it is (a provider id, or a sub-flow's alias), its
    requirement, the parent sub-flow's alias (None: the flow itself) and its configuration."""

    level: int
    what: str
    requirement: str
    parent: str | None
    subflow: bool = False
    config: tuple[tuple[str, str], ...] = ()


STEPS = (
    Step(0, SIGN_IN, "REQUIRED", None, subflow=True),
    Step(1, "auth-cookie", "ALTERNATIVE", SIGN_IN),
    Step(1, PASSWORD, "ALTERNATIVE", SIGN_IN, subflow=True),
    Step(2, PASSWORD_FORM, "REQUIRED", PASSWORD),
    Step(2, SECOND_FACTOR, "CONDITIONAL", PASSWORD, subflow=True),
    Step(3, "conditional-user-configured", "REQUIRED", SECOND_FACTOR),
    Step(3, "auth-otp-form", "REQUIRED", SECOND_FACTOR),
    Step(0, CHECK, "CONDITIONAL", None, subflow=True),
    Step(1, "conditional-user-role", "REQUIRED", CHECK, config=(("condUserRole", API_ACCESS_ROLE), ("negate", "true"))),
    Step(1, "deny-access-authenticator", "REQUIRED", CHECK, config=(("denyErrorMessage", API_ACCESS_DENIED_MESSAGE),)),
)


def cli_client(tenant: Tenant) -> dict:
    """A public client for command-line tools: device grant and code + PKCE to a loopback address."""
    return {
        "clientId": CLI_CLIENT, "name": "Command-line tools", "enabled": True, "protocol": "openid-connect",
        "publicClient": True, "standardFlowEnabled": True, "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False, "serviceAccountsEnabled": False,
        # RFC 8252: the tool listens on a loopback port it picks; Keycloak ignores the port of a
        # loopback redirect, so one registered address serves any port.
        "redirectUris": ["http://127.0.0.1/callback", "http://[::1]/callback"], "webOrigins": [],
        "attributes": {"pkce.code.challenge.method": "S256", "oauth2.device.authorization.grant.enabled": "true",
                       MANAGED_ATTRIBUTE: "true"},
    }


def _signature(executions: list[dict], configs: dict[str, dict]) -> tuple:
    parents: list[str] = []
    out = []
    for e in executions:
        del parents[e["level"]:]
        subflow = bool(e.get("authenticationFlow"))
        what = e["displayName"] if subflow else e.get("providerId")
        config = tuple(sorted((configs.get(e.get("authenticationConfig") or "") or {}).items()))
        out.append(Step(e["level"], what, e["requirement"], parents[-1] if parents else None, subflow, config))
        if subflow:
            parents.append(e["displayName"])
    return tuple(out)


def _want_signature() -> tuple:
    return tuple(Step(s.level, s.what, s.requirement, s.parent, s.subflow, tuple(sorted(s.config))) for s in STEPS)


def _build_flow(admin: KeycloakAdmin, realm: str) -> None:
    """The flow, each step placed with its requirement and priority in one write. A step waits only
    for the sub-flow it goes in; steps are submitted parents first, so a worker waits at most on a
    parent another worker is writing."""
    top = flow_steps.add_flow(admin, CLI_FLOW, "Sign-in of the cli client: the realm's login, then only users "
                                               "with API access (idp apply writes this flow)")
    placed: dict[str, Future[str]] = {}  # sub-flow alias -> its id, once written

    def place(step: Step, priority: int) -> str:
        parent = top if step.parent is None else placed[step.parent].result()
        if step.subflow:
            return flow_steps.add_subflow(admin, parent, step.what, step.requirement, priority)
        execution = flow_steps.add_step(admin, parent, step.what, step.requirement, priority)
        if step.config:
            admin.create_execution_config(execution, {"alias": f"{realm} {CLI_FLOW} {step.what}",
                                                      "config": dict(step.config)})
        return execution

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures: list[Future[str]] = []
        placed_in: Counter[str | None] = Counter()
        for step in STEPS:
            placed_in[step.parent] += 1  # in STEPS order within its parent
            future = pool.submit(place, step, 10 * placed_in[step.parent])
            futures.append(future)
            if step.subflow:
                placed[step.what] = future
        for future in futures:
            future.result()


def _flow_change(admin: KeycloakAdmin, tenant: Tenant, client: dict | None) -> Change | None:
    with keycloak_errors(f"reading the login flows of {tenant.realm}"):
        flows = {f["alias"]: f for f in admin.get_authentication_flows()}
        if CLI_FLOW in flows:
            executions = admin.get_authentication_flow_executions(CLI_FLOW)
            configs = {e["authenticationConfig"]: admin.get_authenticator_config(e["authenticationConfig"])["config"]
                       for e in executions if e.get("authenticationConfig")}
    exists = CLI_FLOW in flows
    if exists and _signature(executions, configs) == _want_signature():
        return None

    def rebuild() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"building the {CLI_FLOW!r} flow of {tenant.realm}"):
            if exists:
                # Keycloak refuses to delete a flow a client uses: unbind, rebuild, bind again (below). An
                # override is removed by naming it with an empty value; a map without it keeps it.
                bound = {use: "" for use, flow_id in ((client or {}).get("authenticationFlowBindingOverrides")
                                                       or {}).items() if flow_id == flows[CLI_FLOW]["id"]}
                if client is not None and bound:
                    admin.update_client(client["id"], {**client, "authenticationFlowBindingOverrides": bound})
                admin.delete_authentication_flow(flows[CLI_FLOW]["id"])
            _build_flow(admin, tenant.realm)

    return Change(tenant.realm, f"{RESOURCE}/flow", "update" if exists else "create",
                  ["sign in as the realm does, then deny without the idp-api-access role"], rebuild)


def _role_change(admin: KeycloakAdmin, tenant: Tenant) -> Change | None:
    with keycloak_errors(f"reading the realm roles of {tenant.realm}"):
        present = any(r["name"] == API_ACCESS_ROLE for r in admin.get_realm_roles(search_text=API_ACCESS_ROLE))
    if present:
        return None

    def create() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"creating the {API_ACCESS_ROLE} role in {tenant.realm}"):
            realm_roles.create_missing(admin, [{"name": API_ACCESS_ROLE, "description": ROLE_DESCRIPTION}])

    return Change(tenant.realm, f"{RESOURCE}/role", "create", [f"+{API_ACCESS_ROLE}"], create)


def _binding_change(admin: KeycloakAdmin, tenant: Tenant, client: dict | None, rebuilt: bool) -> Change | None:
    """The client uses the flow for browser sign-in (the device grant's verification page included)."""
    flow_id = None
    if not rebuilt:
        with keycloak_errors(f"reading the login flows of {tenant.realm}"):
            flow_id = next((f["id"] for f in admin.get_authentication_flows() if f["alias"] == CLI_FLOW), None)
    if client is not None and flow_id is not None and \
            (client.get("authenticationFlowBindingOverrides") or {}).get("browser") == flow_id:
        return None

    def bind() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"binding the {CLI_FLOW!r} flow to the {CLI_CLIENT} client of {tenant.realm}"):
            current_flow = flow_steps.flow_id(admin, CLI_FLOW)
            current = admin.get_client(admin.get_client_id(CLI_CLIENT))
            admin.update_client(current["id"], {**current, "authenticationFlowBindingOverrides": {
                "browser": current_flow}})

    return Change(tenant.realm, f"{RESOURCE}/binding", "update", [f"browser flow: {CLI_FLOW!r}"], bind)


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    service = tenant.service_client.client_id
    if not exists:
        return [Change(tenant.realm, RESOURCE, "create",
                       [f"+{API_ACCESS_ROLE}", f"flow {CLI_FLOW!r}", f"client {CLI_CLIENT} (device grant)"])]
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"listing clients of {tenant.realm}"):
        client = next((c for c in admin.get_clients() if c["clientId"] == CLI_CLIENT), None)
    changes = [c for c in (_role_change(admin, tenant),) if c]
    flow = _flow_change(admin, tenant, client)
    if flow:
        changes.append(flow)
    changes.extend(c for c in client_changes(admin, tenant.realm, cli_client(tenant), client, [],
                                              claim_mappers(service, api_client=True)) if c.action != "unchanged")
    binding = _binding_change(admin, tenant, client, rebuilt=flow is not None)
    if binding:
        changes.append(binding)
    return changes or [Change(tenant.realm, RESOURCE, "unchanged")]
