"""Plan and apply: run each resource module for each tenant (tenant_apply.py runs the independent ones side
by side)."""

from __future__ import annotations

from keycloak import KeycloakAdmin
from rich.console import Console
from rich.text import Text

from contract.names import APPLIED_DIGEST_ATTRIBUTE
from provisioner import key_pairs
from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant
from provisioner.resources import RESOURCES, master_realm
from provisioner.resources.realm import MANAGED_ATTRIBUTE, realm_exists
from provisioner.tenant_apply import apply_tenant


def realms(admin: KeycloakAdmin) -> list[dict]:
    """Every realm's representation (with attributes), in one request."""
    with keycloak_errors("listing realms"):
        return admin.get_realms()


def record_digest(admin: KeycloakAdmin, tenants: list[Tenant], stamp: str, listing: list[dict]) -> int:
    """Put the applied digest on each tenant's realm in `listing` (the realms as last read) that lacks it
    (see provisioner/applied_digest.py); how many realms were written. An unchanged apply of unchanged
    YAML finds them all stamped and writes nothing."""
    declared = {t.realm for t in tenants}
    written = 0
    for realm in listing:
        attributes = realm.get("attributes") or {}
        if realm["realm"] not in declared or attributes.get(APPLIED_DIGEST_ATTRIBUTE) == stamp:
            continue
        # Keycloak replaces the attribute map it is given: send the others back unchanged.
        with keycloak_errors(f"recording the applied digest on realm {realm['realm']}"):
            admin.update_realm(realm["realm"], {"attributes": {**attributes, APPLIED_DIGEST_ATTRIBUTE: stamp}})
        written += 1
    return written


def plan_tenant(admin: KeycloakAdmin, tenant: Tenant, prune: bool = False) -> list[Change]:
    """Every change this tenant needs, reading Keycloak but writing nothing."""
    exists = realm_exists(admin, tenant.realm)
    return [change for module in RESOURCES for change in module.plan(admin, tenant, exists, prune)]


def orphan_realms(admin: KeycloakAdmin, tenants: list[Tenant], prune: bool, listing: list[dict]) -> list[Change]:
    """Realms in `listing` this tool created that no YAML declares any more; deleted only with prune."""
    declared = {t.realm for t in tenants}
    changes = []
    for realm in sorted(listing, key=lambda r: r["realm"]):
        name = realm["realm"]
        if name in declared or (realm.get("attributes") or {}).get(MANAGED_ATTRIBUTE) != "true":
            continue
        if not prune:
            changes.append(Change(name, "realm", "unchanged", ["no longer in YAML; `idp apply --prune` deletes it"]))
            continue

        def delete(name: str = name) -> None:
            with keycloak_errors(f"deleting realm {name}"):
                admin.delete_realm(name)

        changes.append(Change(name, "realm", "delete", ["not in YAML any more; its users go with it"], delete))
    return changes


def plan(admin: KeycloakAdmin, tenants: list[Tenant], prune: bool = False) -> list[Change]:
    """The whole plan: the master realm's protection, each tenant's changes, then orphaned realms."""
    changes = master_realm.plan(admin) + [c for tenant in tenants for c in plan_tenant(admin, tenant, prune)]
    return changes + orphan_realms(admin, tenants, prune, realms(admin))


def apply(admin: KeycloakAdmin, tenants: list[Tenant], console: Console, prune: bool = False) -> list[Change]:
    """Make Keycloak match the YAML; returns what was done. Reads before every write, so a second
    run finds nothing to do and sends no write request."""
    return _apply(admin, tenants, console, prune)[0]


def apply_and_record(admin: KeycloakAdmin, tenants: list[Tenant], console: Console, prune: bool,
                     stamp: str) -> tuple[list[Change], int]:
    """apply(), then record `stamp` as the applied digest (record_digest) from the same final read of
    the realms that found the orphaned ones; what was done, and how many realms were stamped."""
    done, listing = _apply(admin, tenants, console, prune)
    return done, record_digest(admin, tenants, stamp, listing)


def _apply(admin: KeycloakAdmin, tenants: list[Tenant], console: Console, prune: bool
           ) -> tuple[list[Change], list[dict]]:
    done: list[Change] = []
    try:
        for change in master_realm.plan(admin):
            if change.is_write and change.run is not None:
                change.run()
            done.append(change)
    finally:
        log_decisions(console, done)
    exists = {tenant.realm: realm_exists(admin, tenant.realm) for tenant in tenants}
    key_pairs.SUPPLY.ensure(sum(not found for found in exists.values()))  # made on a thread, ahead of need
    for tenant in tenants:
        # Each module plans when it starts: after the realm is created, later modules see its real state.
        changes, error = apply_tenant(admin, tenant, exists[tenant.realm], prune)
        log_decisions(console, changes)
        done.extend(changes)
        if error is not None:
            raise error
    listing = realms(admin)
    deleted = set()
    for change in orphan_realms(admin, tenants, prune, listing):
        if change.is_write and change.run is not None:
            change.run()
            deleted.add(change.realm)
        log_decisions(console, [change])
        done.append(change)
    return done, [r for r in listing if r["realm"] not in deleted]


_STYLE = {"create": ("+", "green", "created"), "update": ("~", "yellow", "updated"),
          "delete": ("-", "red", "deleted"), "unchanged": ("=", "dim", "unchanged")}


def log_decisions(console: Console, changes: list[Change], past: bool = True) -> None:
    """One line per decision, then one indented line per changed field; printed as one text, since rich
    spends more on each print than on its lines."""
    text = Text()
    for change in changes:
        mark, style, verb = _STYLE[change.action]
        text.append(f"{mark} {change.realm}: {change.resource} {verb if past else change.action}\n", style=style)
        for line in change.details:
            text.append(f"    {line}\n", style=style if change.action != "unchanged" else "dim")
    if changes:
        console.print(text, highlight=False, end="")


def render_plan(console: Console, changes: list[Change]) -> None:
    """Readable diff per resource, then a summary line."""
    log_decisions(console, changes, past=False)
    writes = [c for c in changes if c.is_write]
    if not writes:
        console.print("No changes. Keycloak matches the YAML.")
    else:
        counts = {a: sum(1 for c in writes if c.action == a) for a in ("create", "update", "delete")}
        console.print("Plan: " + ", ".join(f"{n} to {a}" for a, n in counts.items() if n) + ".")
