"""The login (browser) flow: our copy of Keycloak's, bound to the realm, with two differences.

- The username and password form is ours (extensions/ LockoutAwarePasswordForm): a temporarily
  locked account is told so and when to retry, where the tenant allows it (brute_force.tell_locked).
- The Organization step is off. Accounts are Keycloak organizations for membership and roles, not
  for finding a user's identity provider by email domain; left on, that step turns the login page
  into an identity-first one (email, then password) as soon as the realm holds one organization.

Keycloak refuses new executions in its built-in flows, hence the copy."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from contract.names import PASSWORD_FORM
from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant
from provisioner.errors import KeycloakApiError
from provisioner.resources import flow_steps
from provisioner.resources.flow_copies import FlowCopy, plan_copy

RESOURCE = "browser-flow"
BUILT_IN = "browser"
FLOW = "idp browser"
ORGANIZATION_STEP = "Organization"  # the sub-flow Keycloak 26 puts in the browser flow
KEYCLOAK_PASSWORD_FORM = "auth-username-password-form"


def _parents(executions: list[dict]) -> dict[str, str]:
    """Execution id -> the name of the sub-flow it sits in (the listing is depth-first)."""
    parents: dict[str, str] = {}
    stack: list[str] = []
    for execution in executions:
        del stack[execution["level"]:]
        if stack:
            parents[execution["id"]] = stack[-1]
        if execution.get("authenticationFlow"):
            stack.append(execution["displayName"])
    return parents


def _organization_change(admin: KeycloakAdmin, tenant: Tenant, executions: list[dict]) -> Change | None:
    step = next((e for e in executions if e["level"] == 0 and e.get("displayName", "").endswith(ORGANIZATION_STEP)
                 and e.get("authenticationFlow")), None)
    if step is None or step["requirement"] == "DISABLED":
        return None

    def update() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"updating the login flow of {tenant.realm}"):
            admin.update_authentication_flow_executions({**step, "requirement": "DISABLED"}, FLOW)

    return Change(tenant.realm, f"{RESOURCE}/organization", "update",
                  [f"{ORGANIZATION_STEP} step: {step['requirement']} -> DISABLED"], update)


def _password_form_change(admin: KeycloakAdmin, tenant: Tenant, executions: list[dict]) -> Change | None:
    """Our password form in place of Keycloak's: REQUIRED and first in the same sub-flow."""
    parents = _parents(executions)
    ours = next((e for e in executions if e.get("providerId") == PASSWORD_FORM), None)
    theirs = next((e for e in executions if e.get("providerId") == KEYCLOAK_PASSWORD_FORM), None)
    if ours is not None and theirs is None and ours["requirement"] == "REQUIRED":
        siblings = [e for e in executions if parents.get(e["id"]) == parents.get(ours["id"])]
        if siblings[0] is ours:
            return None
    anchor = ours or theirs
    if anchor is None or anchor["id"] not in parents:
        raise KeycloakApiError(f"The login flow {FLOW!r} of {tenant.realm} has no username and password form.",
                               f"Delete the flow {FLOW!r} in the admin console and run `idp apply` again.")
    subflow = parents[anchor["id"]]

    def converge() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"putting our password form into the login flow of {tenant.realm}"):
            # Ours first among the sub-flow's steps, with its requirement; then Keycloak's form goes.
            siblings = [e for e in executions if parents.get(e["id"]) == subflow]
            if ours is None:
                flow_steps.add_first(admin, flow_steps.subflow_id(executions, subflow), siblings, PASSWORD_FORM,
                                     "REQUIRED")
            if theirs is not None:
                admin.delete_authentication_flow_execution(theirs["id"])
            if ours is not None:
                flow_steps.require(admin, FLOW, ours, [e for e in siblings if e is not theirs], "REQUIRED",
                                   first=True)

    return Change(tenant.realm, f"{RESOURCE}/password-form", "create" if ours is None else "update",
                  [f"{KEYCLOAK_PASSWORD_FORM} -> {PASSWORD_FORM}: REQUIRED, first"], converge)


COPY = FlowCopy(RESOURCE, BUILT_IN, FLOW, "browserFlow", "login flow")


def _aspects(admin: KeycloakAdmin, tenant: Tenant, executions: list[dict]) -> list[Change]:
    return [c for c in (_organization_change(admin, tenant, executions),
                        _password_form_change(admin, tenant, executions)) if c]


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    details = [f"{ORGANIZATION_STEP} step: DISABLED", f"password form: {PASSWORD_FORM}"]
    return plan_copy(admin, tenant, exists, COPY, details, _aspects)
