"""Pulls the events Keycloak stored and processes any that no push delivered (service down,
retries exhausted). Runs at start-up and then periodically."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from webhooks.domain_errors import DomainError
from webhooks.events.intake import EventIntake
from webhooks.keycloak_gateway import KeycloakGateway

log = logging.getLogger(__name__)
# The events whose loss would matter; LOGIN and friends are pushed but not re-pulled.
PULLED_TYPES = ["REGISTER", "VERIFY_EMAIL", "UPDATE_EMAIL", "DELETE_ACCOUNT", "UPDATE_PROFILE"]
PULLED_ADMIN = (["USER"], ["DELETE"])  # an admin deleting a user frees their phone number
FIRST_LOOK_BACK = timedelta(days=30)


def stored_to_payload(stored: dict, realm: str) -> dict:
    """Keycloak's stored event representation in the shape of our webhook body."""
    return {"id": stored["id"], "kind": "user", "type": stored["type"], "time": stored.get("time"),
            "realm": realm, "userId": stored.get("userId"), "clientId": stored.get("clientId"),
            "error": stored.get("error"), "details": stored.get("details") or {}}


def stored_admin_to_payload(stored: dict, realm: str) -> dict:
    """Keycloak's stored admin event in the shape of our webhook body."""
    return {"id": stored["id"], "kind": "admin", "time": stored.get("time"), "realm": realm,
            "type": f"{stored.get('resourceType')}.{stored.get('operationType')}",
            "resourcePath": stored.get("resourcePath"), "error": stored.get("error")}


@dataclass
class ReconcileResult:
    """How many events one pass processed, and the realms it could not read (with why)."""

    processed: int = 0
    failed: dict[str, str] = field(default_factory=dict)


class Reconciler:
    """One pass over every known realm: fetch stored events since the checkpoint, process the new ones."""

    def __init__(self, gateway: KeycloakGateway, intake: EventIntake, realms: Callable[[], Iterable[str]]) -> None:
        self._gateway = gateway
        self._intake = intake
        self._realms = realms
        self._lock = threading.Lock()
        # Realms found deleted, and when: not asked about again until an event of theirs arrives (a
        # realm created anew under the same name), so a deleted tenant costs nothing every pass.
        self._gone: dict[str, datetime] = {}

    def run_once(self) -> ReconcileResult:
        """Process what pushes missed, realm by realm; one failing realm does not stop the others."""
        result = ReconcileResult()
        with self._lock:
            for realm in sorted(set(self._realms())):
                try:
                    if realm in self._gone and not self._came_back(realm):
                        continue
                    if not self._gateway.realm_exists(realm, fresh=True):
                        # Deleted since its last event: nothing left to pull, nothing failed.
                        log.info("reconciler: realm %s no longer exists; it is not read again until an event "
                                 "of a realm of that name arrives", realm)
                        self._gone[realm] = datetime.now(UTC)
                        continue
                    self._gone.pop(realm, None)
                    result.processed += self._reconcile(realm)
                except DomainError as exc:
                    log.warning("reconciler: %s", exc.message)
                    result.failed[realm] = exc.message
        return result

    def _came_back(self, realm: str) -> bool:
        newest = self._intake.repository.newest_processed(realm)
        return newest is not None and newest > self._gone[realm]

    @property
    def gone(self) -> set[str]:
        """The realms found deleted and no longer read."""
        return set(self._gone)

    def _reconcile(self, realm: str) -> int:
        user = self._pull(realm, realm, lambda since: self._gateway.stored_events(realm, since, PULLED_TYPES),
                          stored_to_payload)
        admin = self._pull(realm, f"{realm}#admin",
                           lambda since: self._gateway.stored_admin_events(realm, since, *PULLED_ADMIN),
                           stored_admin_to_payload)
        return user + admin

    def _pull(self, realm: str, checkpoint_key: str, fetch: Callable[[datetime], list[dict]],
              to_payload: Callable[[dict, str], dict]) -> int:
        """Process one stream of stored events newer than its checkpoint (each stream has its own)."""
        repository = self._intake.repository
        checkpoint = repository.checkpoint(checkpoint_key)
        since = (datetime.fromtimestamp(checkpoint / 1000, UTC) if checkpoint
                 else datetime.now(UTC) - FIRST_LOOK_BACK)
        new = 0
        newest = checkpoint
        for event in sorted(fetch(since), key=lambda e: e.get("time") or 0):
            if not event.get("id"):
                continue
            new += self._intake.process(to_payload(event, realm), via="pull")
            newest = max(newest, int(event.get("time") or 0))
        if newest > checkpoint:
            repository.advance_checkpoint(checkpoint_key, newest)
        return new


class ReconcilerThread(threading.Thread):
    """Runs the reconciler now and then every `interval` seconds until stopped."""

    def __init__(self, reconciler: Reconciler, interval: float) -> None:
        super().__init__(name="event-reconciler", daemon=True)
        self._reconciler = reconciler
        self._interval = interval
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.is_set():
            result = self._reconciler.run_once()
            if result.processed:
                log.info("reconciler processed %d missed event(s)", result.processed)
            self._stop.wait(self._interval)

    def stop(self) -> None:
        self._stop.set()
