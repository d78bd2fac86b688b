"""An account's status (seed 000 "Account Statuses"): `pending` until its owner finishes onboarding,
then `active` (or `trial` until a date, where the tenant gives trials), `suspended` by the provider's
staff or billing system with a reason, and `closed` for good. The status lives on the organization
(contract.names), so tokens carry it with the service down; every change is an account event with
who made it and why. No Flask."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from contract.names import (
    ACCOUNT_STATUS_ATTRIBUTE,
    ACCOUNT_STATUS_REASON_ATTRIBUTE,
    ACCOUNT_TRIAL_ENDS_ATTRIBUTE,
    API_BLOCKING_STATUSES,
)
from webhooks.accounts.events import AccountEvents
from webhooks.accounts.keycloak_store import KeycloakAccounts
from webhooks.domain_errors import DomainError

log = logging.getLogger(__name__)

STATUSES = ("pending", "trial", "active", "suspended", "closed")
ACTIONS = ("activate", "suspend", "resume", "close")
REASON_MAX = 200
# Where a suspended account returns on resume; kept on the organization next to the status.
BEFORE_SUSPENSION_ATTRIBUTE = "statusBeforeSuspension"


class StatusRefused(DomainError):
    status = 409
    code = "status_refused"


@dataclass(frozen=True)
class AccountStatus:
    status: str
    reason: str | None = None
    trial_ends_at: str | None = None  # ISO 8601, UTC
    before_suspension: str | None = None

    @property
    def gives_api_tokens(self) -> bool:
        return self.status not in API_BLOCKING_STATUSES

    def as_dict(self) -> dict:
        return {"status": self.status, "reason": self.reason, "trial_ends_at": self.trial_ends_at}


def status_of(org: dict) -> AccountStatus:
    """The status an organization's attributes record; one without them predates statuses: active."""
    attributes = org.get("attributes") or {}

    def first(key: str) -> str | None:
        values = attributes.get(key) or []
        return values[0] if values and values[0] else None

    status = first(ACCOUNT_STATUS_ATTRIBUTE) or "active"
    return AccountStatus(status if status in STATUSES else "active", first(ACCOUNT_STATUS_REASON_ATTRIBUTE),
                         first(ACCOUNT_TRIAL_ENDS_ATTRIBUTE), first(BEFORE_SUSPENSION_ATTRIBUTE))


def started(trial_days: int | None, now: datetime) -> AccountStatus:
    """What an account becomes when its owner finishes onboarding: a trial where the tenant gives one."""
    if trial_days:
        return AccountStatus("trial", trial_ends_at=(now + timedelta(days=trial_days)).replace(microsecond=0)
                             .isoformat().replace("+00:00", "Z"))
    return AccountStatus("active")


def _reason(reason: str | None, action: str) -> str:
    text = " ".join((reason or "").split())
    if not 0 < len(text) <= REASON_MAX:
        raise StatusRefused(f"Say why you {action} the account: a reason of 1 to {REASON_MAX} characters.",
                            code="reason_required", status=422)
    return text


def next_status(current: AccountStatus, action: str, reason: str | None) -> AccountStatus:
    """The status after `action`, or StatusRefused saying why it cannot happen now. Doing what is
    already done (suspending a suspended account) is refused too, so a retry cannot overwrite the
    first reason unnoticed."""
    if action not in ACTIONS:
        raise StatusRefused(f"Unknown action {action!r}: use one of {', '.join(ACTIONS)}.", code="unknown_action",
                            status=422)
    if current.status == "closed":
        raise StatusRefused("The account is closed, and a closed account stays closed.", code="closed")
    if action == "close":
        return AccountStatus("closed", reason=_reason(reason, "close"))
    if action == "suspend":
        if current.status == "suspended":
            raise StatusRefused("The account is suspended already.", code="already_suspended")
        return AccountStatus("suspended", reason=_reason(reason, "suspend"), trial_ends_at=current.trial_ends_at,
                             before_suspension=current.status)
    if action == "resume":
        if current.status != "suspended":
            raise StatusRefused(f"Only a suspended account can be resumed; this one is {current.status}.",
                                code="not_suspended")
        back = current.before_suspension if current.before_suspension in ("pending", "trial", "active") else "active"
        return AccountStatus(back, trial_ends_at=current.trial_ends_at if back == "trial" else None)
    if current.status not in ("pending", "trial"):  # activate
        raise StatusRefused(f"Only a pending or trial account can be activated; this one is {current.status}"
                            + (" (resume it instead)." if current.status == "suspended" else "."),
                            code="not_activatable")
    return AccountStatus("active")


class AccountStatuses:
    def __init__(self, store: KeycloakAccounts, events: AccountEvents,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._store, self._events = store, events
        self._now = clock or (lambda: datetime.now(UTC))

    def read(self, realm: str, org_id: str) -> AccountStatus | None:
        """The account's status, live from Keycloak; None: no such account."""
        org = self._store.account(realm, org_id)
        return None if org is None else status_of(org)

    def change(self, realm: str, org_id: str, action: str, reason: str | None, actor: str) -> AccountStatus:
        """Apply `action`, record who did it and why, and return the new status."""
        org = self._store.account(realm, org_id)
        if org is None:
            raise StatusRefused("No such account.", code="not_found", status=404)
        before = status_of(org)
        after = next_status(before, action, reason)
        self._write(realm, org_id, after)
        self._events.record(realm, org_id, "status_changed", actor, org_id, action=action, before=before.status,
                            after=after.status, reason=after.reason)
        log.info("account %s in %s: %s -> %s by %s", org.get("alias"), realm, before.status, after.status, actor)
        return after

    def start(self, realm: str, org_id: str, trial_days: int | None) -> AccountStatus | None:
        """Onboarding finished: a pending account becomes active (or a trial). Any other status stays,
        so a repeated completion or one after a suspension changes nothing."""
        org = self._store.account(realm, org_id)
        if org is None or status_of(org).status != "pending":
            return None
        after = started(trial_days, self._now())
        self._write(realm, org_id, after)
        self._events.record(realm, org_id, "status_changed", "system", org_id, action="onboarding_complete",
                            before="pending", after=after.status, reason=None)
        return after

    def _write(self, realm: str, org_id: str, status: AccountStatus) -> None:
        self._store.set_attributes(realm, org_id, {
            ACCOUNT_STATUS_ATTRIBUTE: status.status, ACCOUNT_STATUS_REASON_ATTRIBUTE: status.reason,
            ACCOUNT_TRIAL_ENDS_ATTRIBUTE: status.trial_ends_at, BEFORE_SUSPENSION_ATTRIBUTE: status.before_suspension})
