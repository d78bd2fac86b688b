"""Adding flows and steps through Keycloak's lower-level endpoints, each in one write.

The flow-alias endpoints python-keycloak wraps add a step DISABLED at the end of its sub-flow, so
setting its requirement and its place took a read and one or more writes more. Every write makes
Keycloak drop its cached realm and a tenant's first apply is mostly such writes; here a step goes in
with its requirement and priority at once, and Keycloak's answer names the new id, so nothing is read
back to find it."""

from __future__ import annotations

import json

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakPostError, raise_error_from_response

from provisioner.errors import KeycloakApiError


def _created(admin: KeycloakAdmin, path: str, body: dict) -> str:
    """POST body to admin/realms/<current realm>/<path>; the id Keycloak gave the new thing."""
    response = admin.connection.raw_post(f"admin/realms/{admin.connection.realm_name}/{path}", data=json.dumps(body))
    raise_error_from_response(response, KeycloakPostError, expected_codes=[201])
    location = response.headers.get("Location", "")
    if not location:
        raise KeycloakApiError(f"Keycloak created {path} without saying where (no Location header).",
                               "Run `idp apply` again.")
    return location.rstrip("/").rsplit("/", 1)[-1]


def add_flow(admin: KeycloakAdmin, alias: str, description: str = "", top_level: bool = True) -> str:
    """A new, empty flow of steps (not a form); its id. A sub-flow is placed with `add_subflow`."""
    return _created(admin, "authentication/flows", {"alias": alias, "description": description,
                                                    "providerId": "basic-flow", "topLevel": top_level,
                                                    "builtIn": False})


def add_step(admin: KeycloakAdmin, parent_id: str, provider: str, requirement: str,
             priority: int | None = None) -> str:
    """The step `provider` in the flow `parent_id`, with its requirement; last there unless a priority
    is given (lower runs first). Its execution id."""
    body: dict[str, object] = {"parentFlow": parent_id, "authenticator": provider, "requirement": requirement,
                               "authenticatorFlow": False}
    if priority is not None:
        body["priority"] = priority
    return _created(admin, "authentication/executions", body)


def add_first(admin: KeycloakAdmin, parent_id: str, siblings: list[dict], provider: str, requirement: str) -> str:
    """The step `provider` first in the flow `parent_id`, whose steps are `siblings` (as Keycloak lists
    them): one write, with a priority below theirs; where they leave no room (at or below 0), added
    last and raised past each of them. Its execution id."""
    priorities = [e["priority"] for e in siblings if isinstance(e.get("priority"), int)]
    if priorities and min(priorities) > 0:
        return add_step(admin, parent_id, provider, requirement, min(priorities) - 1)
    added = add_step(admin, parent_id, provider, requirement)
    if siblings:
        admin.change_execution_priority(added, len(siblings))
    return added


def require(admin: KeycloakAdmin, flow_alias: str, step: dict, siblings: list[dict], requirement: str,
            first: bool = False) -> None:
    """An existing step of the flow `flow_alias` (as Keycloak lists it) given `requirement`, and moved
    first among `siblings` (its sub-flow's steps, in order) when asked; writes only what differs."""
    if step["requirement"] != requirement:
        admin.update_authentication_flow_executions({**step, "requirement": requirement}, flow_alias)
    position = next(i for i, e in enumerate(siblings) if e["id"] == step["id"])
    if first and position:
        admin.change_execution_priority(step["id"], position)


def add_subflow(admin: KeycloakAdmin, parent_id: str, alias: str, requirement: str,
                priority: int | None = None) -> str:
    """A new sub-flow named `alias` in the flow `parent_id`, with its requirement; the sub-flow's id,
    for the steps that go in it. Two writes: the flow, then its place in the parent."""
    flow_id = add_flow(admin, alias, top_level=False)
    body: dict[str, object] = {"parentFlow": parent_id, "flowId": flow_id, "requirement": requirement,
                               "authenticatorFlow": True}
    if priority is not None:
        body["priority"] = priority
    _created(admin, "authentication/executions", body)
    return flow_id


def flow_id(admin: KeycloakAdmin, alias: str) -> str:
    """The id of the realm's flow named `alias` (a read)."""
    found = next((f["id"] for f in admin.get_authentication_flows() if f["alias"] == alias), None)
    if found is None:
        raise KeycloakApiError(f"The flow {alias!r} of {admin.connection.realm_name} is gone.",
                               "Run `idp apply` again; it creates the flow.")
    return found


def subflow_id(executions: list[dict], alias: str) -> str:
    """The id of the sub-flow named `alias` in a flow's executions listing."""
    return next(e["flowId"] for e in executions if e.get("authenticationFlow") and e.get("displayName") == alias)
