"""The account status rules: which action moves which status where, and what is refused and why."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from webhooks.accounts.status import AccountStatus, StatusRefused, next_status, started, status_of


def test_an_organization_without_a_status_predates_them_and_is_active():
    assert status_of({"attributes": {}}).status == "active"
    assert status_of({"attributes": {"accountStatus": ["bogus"]}}).status == "active"
    assert status_of({"attributes": {"accountStatus": ["suspended"], "accountStatusReason": ["Unpaid"]}}) == \
        AccountStatus("suspended", "Unpaid")


def test_onboarding_starts_a_trial_where_the_tenant_gives_one():
    now = datetime(2026, 11, 23, 10, 0, 0, 123, tzinfo=UTC)
    assert started(None, now) == AccountStatus("active")
    assert started(14, now) == AccountStatus("trial", trial_ends_at="2026-12-07T10:00:00Z")


@pytest.mark.parametrize(("before", "action", "after"), [
    ("pending", "activate", "active"),
    ("trial", "activate", "active"),
    ("active", "suspend", "suspended"),
    ("trial", "suspend", "suspended"),
    ("pending", "suspend", "suspended"),
    ("active", "close", "closed"),
    ("suspended", "close", "closed"),
])
def test_allowed_moves(before, action, after):
    assert next_status(AccountStatus(before), action, "a reason").status == after


def test_resume_returns_to_the_status_before_the_suspension_with_the_trial_end():
    suspended = next_status(AccountStatus("trial", trial_ends_at="2026-12-07T10:00:00Z"), "suspend", " Unpaid  bill ")
    assert suspended == AccountStatus("suspended", "Unpaid bill", "2026-12-07T10:00:00Z", "trial")
    assert next_status(suspended, "resume", None) == AccountStatus("trial", trial_ends_at="2026-12-07T10:00:00Z")


@pytest.mark.parametrize(("before", "action", "reason", "says"), [
    ("active", "suspend", None, "Say why you suspend the account"),
    ("active", "close", "   ", "Say why you close the account"),
    ("active", "suspend", "x" * 201, "1 to 200 characters"),
    ("suspended", "suspend", "again", "suspended already"),
    ("active", "resume", None, "Only a suspended account can be resumed; this one is active"),
    ("suspended", "activate", None, "resume it instead"),
    ("active", "activate", None, "this one is active"),
    ("closed", "resume", None, "a closed account stays closed"),
    ("closed", "activate", None, "a closed account stays closed"),
    ("active", "delete", None, "Unknown action 'delete'"),
])
def test_refused_moves_say_why(before, action, reason, says):
    with pytest.raises(StatusRefused) as refused:
        next_status(AccountStatus(before), action, reason)
    assert says in refused.value.message
