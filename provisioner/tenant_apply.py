"""Applies one tenant's resource modules, the independent ones side by side.

A tenant's first apply is about a hundred admin requests, and Keycloak answers each one on one thread:
sent one after another they left the machine's other cores idle for most of the apply. Modules wait
only for what resources.AFTER says they need, so a flow, the texts and the clients are written at
once. The changes are still reported in RESOURCES order, whatever order they finished in."""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from types import ModuleType

from keycloak import KeycloakAdmin

from provisioner.changes import Change
from provisioner.config.model import Tenant
from provisioner.resources import AFTER, RESOURCES, STARTS_FIRST

# Measured on 2 cores: 4 beat 2 and 3; beyond it requests only queue inside Keycloak.
WORKERS = 4


def _run_module(module: ModuleType, admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool,
                done: list[Change]) -> None:
    """Plan the module against Keycloak as it is now, then make each change; `done` grows as they are made,
    so a failure still reports what was written before it."""
    for change in module.plan(admin, tenant, exists, prune):
        if change.is_write and change.run is not None:
            change.run()
        done.append(change)


def apply_tenant(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False,
                 workers: int = WORKERS) -> tuple[list[Change], BaseException | None]:
    """Every change made for `tenant`, in RESOURCES order, and the first error that stopped it (None when all
    went through). After an error no further module starts; those already running finish."""
    done: dict[ModuleType, list[Change]] = {module: [] for module in RESOURCES}
    finished: set[ModuleType] = set()
    errors: dict[ModuleType, BaseException] = {}
    first, *rest = RESOURCES  # the realm: everything else is inside it, and is planned knowing it exists
    try:
        _run_module(first, admin, tenant, exists, prune, done[first])
        finished.add(first)
    except Exception as exc:  # handed to the caller with what was done
        errors[first] = exc
    waiting = sorted(rest, key=lambda m: m not in STARTS_FIRST) if not errors else []
    running: dict[Future, ModuleType] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="idp-apply") as pool:
        while waiting or running:
            ready = [m for m in waiting if all(before in finished for before in AFTER[m])] if not errors else []
            for module in ready:
                waiting.remove(module)
                running[pool.submit(_run_module, module, admin, tenant, True, prune, done[module])] = module
            if errors:
                waiting.clear()
            if not running:
                if waiting:  # only a mistake in AFTER (a cycle) gets here; never skip a module silently
                    raise RuntimeError(f"resources.AFTER leaves {[m.__name__ for m in waiting]} waiting forever")
                break
            completed, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in completed:
                module = running.pop(future)
                error = future.exception()
                if error is None:
                    finished.add(module)
                else:
                    errors[module] = error
    changes = [change for module in RESOURCES for change in done[module]]
    first_error = next((errors[module] for module in RESOURCES if module in errors), None)
    return changes, first_error
