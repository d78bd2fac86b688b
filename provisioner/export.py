"""`idp export`: secret-free, deterministic realm JSON that Keycloak can import again."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from keycloak import KeycloakAdmin

from contract.names import APPLIED_DIGEST_ATTRIBUTE
from provisioner.admin_api import keycloak_errors
from provisioner.changes import MASKED

# Ids, timestamps and key material differ between servers and runs; secrets must never land in git.
# The applied digest changes with idp's own code, not with the realm.
VOLATILE_KEYS = {"id", "containerId", "parentId", "createdTimestamp", "flowId", "internalId", "notBefore",
                 "secret", "registrationAccessToken", "client.secret.creation.time", APPLIED_DIGEST_ATTRIBUTE}
KEY_PROVIDER = "org.keycloak.keys.KeyProvider"
# Lists whose order means something are kept as Keycloak gives them; others are sorted. Protocol
# mappers are sorted too: Keycloak runs them by their provider's priority, and lists them in an order
# that changes when a realm is created again.
ORDERED_LISTS = {"authenticationExecutions", "supportedLocales", "requiredActions"}
FLOW_NAMESPACE = uuid.UUID("5b0f3c1e-8a59-4c2e-9d61-2f6e4a7c9b10")  # ours, for stable_flow_id
_NATURAL_KEYS = ("alias", "name", "clientId", "realm", "providerId", "authenticator", "flowAlias")


def _sort_key(item: object) -> str:
    if isinstance(item, dict):
        for key in _NATURAL_KEYS:
            if key in item:
                return f"{key}={item[key]}|{json.dumps(item, sort_keys=True)}"
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def normalize(value: object, key: str = "") -> object:
    """Drop volatile and secret fields, sort unordered lists, recursively."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in VOLATILE_KEYS or v == MASKED or v == [MASKED]:
                continue
            if k == KEY_PROVIDER:
                continue  # generated key pairs: a fresh import generates its own
            out[k] = normalize(v, k)
        return out
    if isinstance(value, list):
        items = [normalize(v, key) for v in value]
        if key == "authenticationExecutions":
            return sorted(items, key=lambda e: (e.get("priority", 0), _sort_key(e)))
        if key in ORDERED_LISTS:
            return items
        return sorted(items, key=_sort_key)
    return value


def stable_flow_id(realm: str, alias: str) -> str:
    """The same id for the same realm's flow on every server, so an export stays byte-identical. The
    realm is part of it: Keycloak's ids are unique across realms, and two tenants' exports (or one
    imported next to another) must not claim the same flow id."""
    return str(uuid.uuid5(FLOW_NAMESPACE, f"{realm}/{alias}"))


def _stable_flow_bindings(raw: dict, normalized: dict) -> dict:
    """A client's flow override names its flow by id, and ids are dropped as volatile; without one,
    Keycloak cannot import the client ("Unable to resolve auth flow binding override"). Give each
    bound flow a stable id and point the override at it; Keycloak maps it on import."""
    aliases = {f["id"]: f["alias"] for f in raw.get("authenticationFlows") or [] if "id" in f}
    realm = raw.get("realm", "")
    bound: set[str] = set()
    for client in normalized.get("clients") or []:
        overrides = client.get("authenticationFlowBindingOverrides") or {}
        for binding, flow_id in overrides.items():
            if flow_id in aliases:
                overrides[binding] = stable_flow_id(realm, aliases[flow_id])
                bound.add(aliases[flow_id])
    for flow in normalized.get("authenticationFlows") or []:
        if flow.get("alias") in bound:
            flow["id"] = stable_flow_id(realm, flow["alias"])
    return normalized


def export_realm(admin: KeycloakAdmin, realm: str) -> dict:
    """Keycloak's partial export (settings, clients, roles, groups, flows), normalized."""
    admin.change_current_realm(realm)
    with keycloak_errors(f"exporting realm {realm}"):
        raw = admin.export_realm(export_clients=True, export_groups_and_role=True)
    return _stable_flow_bindings(raw, normalize(raw))


def write_export(data: dict, target: Path) -> bool:
    """Write sorted, indented JSON; True if the file's bytes changed."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return True
