"""Our copy of one of Keycloak's built-in flows, bound to the realm: Keycloak refuses new steps in
its built-in flows, so a realm that needs ours logs in or registers through a copy. The caller says
what to change in the copy ("aspects": each a Change, or None when already so)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from keycloak import KeycloakAdmin

from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant
from provisioner.resources import flow_steps

Aspects = Callable[[KeycloakAdmin, Tenant, list[dict]], list[Change]]


@dataclass(frozen=True)
class FlowCopy:
    resource: str  # e.g. "browser-flow"
    built_in: str  # Keycloak's flow, e.g. "browser"
    alias: str  # our copy, e.g. "idp browser"
    binding: str  # the realm setting that names the flow in use, e.g. "browserFlow"
    what: str  # for messages: "login flow"


def require_step(admin: KeycloakAdmin, tenant: Tenant, copy: FlowCopy, executions: list[dict], provider: str,
                 label: str, first: bool = False) -> Change | None:
    """Our step `provider` in the copy's form (its level-0 sub-flow), REQUIRED, and first there when
    asked (form steps validate in order, and the first refusal is the one shown)."""
    parent, steps = _form(executions)
    step = next((e for e in steps if e.get("providerId") == provider), None)
    if step is not None and step["requirement"] == "REQUIRED" and (not first or steps[0] is step):
        return None

    def converge() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"adding the {label} to the {copy.what} of {tenant.realm}"):
            if step is None:
                parent_id = flow_steps.subflow_id(executions, parent)
                if first:
                    flow_steps.add_first(admin, parent_id, steps, provider, "REQUIRED")
                else:
                    flow_steps.add_step(admin, parent_id, provider, "REQUIRED")
            else:
                flow_steps.require(admin, copy.alias, step, steps, "REQUIRED", first)

    return Change(tenant.realm, f"{copy.resource}/{provider}", "create" if step is None else "update",
                  [f"{label}: REQUIRED" + (", first" if first else "")], converge)


def _form(executions: list[dict]) -> tuple[str, list[dict]]:
    """The name of the copy's first sub-flow and the steps directly in it."""
    parent = next(e["displayName"] for e in executions if e.get("authenticationFlow") and e["level"] == 0)
    steps, inside = [], False
    for e in executions:
        if e["level"] == 0:
            inside = e.get("displayName") == parent and bool(e.get("authenticationFlow"))
        elif inside and e["level"] == 1:
            steps.append(e)
    return parent, steps


def plan_copy(admin: KeycloakAdmin, tenant: Tenant, exists: bool, copy: FlowCopy, details: list[str],
              aspects: Aspects) -> list[Change]:
    """Create the copy with its aspects and bind it, or converge each aspect and the binding."""
    if not exists:
        return [Change(tenant.realm, copy.resource, "create", details)]
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"reading the {copy.what} of {tenant.realm}"):
        flows = {f["alias"] for f in admin.get_authentication_flows()}
        bound = admin.get_realm(tenant.realm).get(copy.binding)

    def bind() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"binding the {copy.what} of {tenant.realm}"):
            admin.update_realm(tenant.realm, {copy.binding: copy.alias})

    if copy.alias not in flows:
        def create() -> None:
            admin.change_current_realm(tenant.realm)
            with keycloak_errors(f"copying the {copy.what} of {tenant.realm}"):
                admin.copy_authentication_flow({"newName": copy.alias}, copy.built_in)
                executions = admin.get_authentication_flow_executions(copy.alias)
            for change in aspects(admin, tenant, executions):
                assert change.run is not None
                change.run()
            bind()

        return [Change(tenant.realm, copy.resource, "create", details, create)]
    with keycloak_errors(f"reading the {copy.what} of {tenant.realm}"):
        executions = admin.get_authentication_flow_executions(copy.alias)
    changes = aspects(admin, tenant, executions)
    if bound != copy.alias:
        changes.append(Change(tenant.realm, f"{copy.resource}/binding", "update",
                              [f"{copy.binding}: {bound!r} -> {copy.alias!r}"], bind))
    return changes or [Change(tenant.realm, copy.resource, "unchanged")]
