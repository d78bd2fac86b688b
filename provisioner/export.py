"""`idp export`: secret-free, deterministic realm JSON that Keycloak can import again."""

from __future__ import annotations

import json
from pathlib import Path

from keycloak import KeycloakAdmin

from provisioner.admin_api import keycloak_errors
from provisioner.changes import MASKED

# Ids, timestamps and key material differ between servers and runs; secrets must never land in git.
VOLATILE_KEYS = {"id", "containerId", "parentId", "createdTimestamp", "flowId", "internalId", "notBefore",
                 "secret", "registrationAccessToken", "client.secret.creation.time"}
KEY_PROVIDER = "org.keycloak.keys.KeyProvider"
# Lists whose order means something are kept as Keycloak gives them; others are sorted. Protocol
# mappers are sorted too: Keycloak runs them by their provider's priority, and lists them in an order
# that changes when a realm is created again.
ORDERED_LISTS = {"authenticationExecutions", "supportedLocales", "requiredActions"}
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


def export_realm(admin: KeycloakAdmin, realm: str) -> dict:
    """Keycloak's partial export (settings, clients, roles, groups, flows), normalized."""
    admin.change_current_realm(realm)
    with keycloak_errors(f"exporting realm {realm}"):
        raw = admin.export_realm(export_clients=True, export_groups_and_role=True)
    return normalize(raw)


def write_export(data: dict, target: Path) -> bool:
    """Write sorted, indented JSON; True if the file's bytes changed."""
    text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return True
