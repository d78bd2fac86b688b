"""Keycloak's events reach the service signed; with the service stopped nothing is lost, and
after it starts again every REGISTER is processed exactly once."""

from __future__ import annotations

import time
import uuid

import requests
from rich.console import Console

from provisioner.runtime import stack as runtime
from tests.support.pages import Page


def _processed(stack, realm: str, type_: str = "REGISTER") -> list[dict]:
    response = requests.get(f"{stack.settings.service_url}/dev/events", params={"realm": realm, "type": type_},
                            timeout=10)
    return response.json()["events"]


def _wait_for(check, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.5)


def test_register_is_pushed_signed_and_processed(make_tenant, stack):
    tenant = make_tenant("cloud")
    email = f"push-{uuid.uuid4().hex[:8]}@example.test"
    tenant.browser().register(email, "Sunny-Harbor7")
    [event] = _wait_for(lambda: _processed(stack, tenant.realm))
    assert event["via"] == "push" and event["userId"]


def test_events_missed_while_the_service_was_down_are_processed_once(make_tenant, stack, admin):
    tenant = make_tenant("cloud")
    tenant.browser().register(f"first-{uuid.uuid4().hex[:6]}@example.test", "Sunny-Harbor7")
    _wait_for(lambda: _processed(stack, tenant.realm))  # the service now knows this tenant

    assert runtime.stop_service(stack.settings)
    emails = [f"down-{i}-{uuid.uuid4().hex[:6]}@example.test" for i in range(3)]
    for email in emails:
        started = time.monotonic()
        page = tenant.browser().register(email, "Sunny-Harbor7")
        assert isinstance(page, Page), "sign-up works while the service is down"
        assert time.monotonic() - started < 20, "and is not held up by webhook delivery"
    admin.change_current_realm(tenant.realm)
    missed = {admin.get_user_id(email) for email in emails}

    runtime.restart_service(stack.settings, Console(quiet=True))
    def all_four() -> list[dict] | None:
        found = _processed(stack, tenant.realm)
        return found if len(found) >= 4 else None

    events = _wait_for(all_four)
    by_user = [e["userId"] for e in events if e["userId"] in missed]
    assert sorted(by_user) == sorted(missed), "each missed REGISTER exactly once, by retry or by pull"
    assert len(events) == 4


def test_events_that_were_never_pushed_are_pulled_exactly_once(make_tenant, stack, admin):
    tenant = make_tenant("cloud")
    tenant.browser().register(f"first-{uuid.uuid4().hex[:6]}@example.test", "Sunny-Harbor7")
    _wait_for(lambda: _processed(stack, tenant.realm))

    # Detach the webhook listener: these sign-ups are stored by Keycloak but never pushed.
    admin.update_realm(tenant.realm, {"eventsListeners": ["jboss-logging"]})
    emails = [f"unpushed-{i}-{uuid.uuid4().hex[:6]}@example.test" for i in range(2)]
    for email in emails:
        tenant.browser().register(email, "Sunny-Harbor7")
    admin.update_realm(tenant.realm, {"eventsListeners": ["jboss-logging", "idp-webhook"]})
    assert len(_processed(stack, tenant.realm)) == 1

    reconcile = f"{stack.settings.service_url}/dev/events/reconcile"
    assert requests.post(reconcile, timeout=60).json()["processed"] == 2
    assert requests.post(reconcile, timeout=60).json()["processed"] == 0, "a second pass finds nothing new"
    events = _processed(stack, tenant.realm)
    assert len(events) == 3 and sum(e["via"] == "pull" for e in events) == 2


def test_admin_events_on_users_reach_the_service(make_tenant, stack, admin):
    tenant = make_tenant("cloud")
    tenant.browser().register(f"first-{uuid.uuid4().hex[:6]}@example.test", "Sunny-Harbor7")
    _wait_for(lambda: _processed(stack, tenant.realm))
    admin.change_current_realm(tenant.realm)
    user_id = admin.create_user({"username": f"admin-made-{uuid.uuid4().hex[:6]}", "enabled": True,
                                 "email": f"admin-made-{uuid.uuid4().hex[:6]}@example.test",
                                 "firstName": "Ad", "lastName": "Min"})
    admin.delete_user(user_id)
    created = _wait_for(lambda: _processed(stack, tenant.realm, "USER.CREATE"))
    deleted = _wait_for(lambda: _processed(stack, tenant.realm, "USER.DELETE"))
    assert created[0]["via"] == "push" and deleted[0]["via"] == "push"


def test_an_admin_deletion_that_was_never_pushed_is_pulled(make_tenant, stack, admin):
    tenant = make_tenant("cloud")
    tenant.browser().register(f"first-{uuid.uuid4().hex[:6]}@example.test", "Sunny-Harbor7")
    _wait_for(lambda: _processed(stack, tenant.realm))
    requests.post(f"{stack.settings.service_url}/dev/events/reconcile", timeout=60)  # checkpoints set

    admin.update_realm(tenant.realm, {"eventsListeners": ["jboss-logging"]})
    admin.change_current_realm(tenant.realm)
    user_id = admin.create_user({"username": f"gone-{uuid.uuid4().hex[:6]}", "enabled": True,
                                 "email": f"gone-{uuid.uuid4().hex[:6]}@example.test",
                                 "firstName": "Go", "lastName": "Ne"})
    admin.delete_user(user_id)
    admin.update_realm(tenant.realm, {"eventsListeners": ["jboss-logging", "idp-webhook"]})
    assert _processed(stack, tenant.realm, "USER.DELETE") == []

    requests.post(f"{stack.settings.service_url}/dev/events/reconcile", timeout=60)
    [deleted] = _processed(stack, tenant.realm, "USER.DELETE")
    assert deleted["via"] == "pull"
    requests.post(f"{stack.settings.service_url}/dev/events/reconcile", timeout=60)
    assert len(_processed(stack, tenant.realm, "USER.DELETE")) == 1, "pulled once"


def test_a_deleted_realm_is_no_failure_for_the_reconciler(stack, admin, tmp_path):
    from tests.support.stack import apply_tenant

    tenant = apply_tenant(stack, admin, tmp_path, "cloud")
    tenant.browser().register(f"gone-{uuid.uuid4().hex[:6]}@example.test", "Sunny-Harbor7")
    _wait_for(lambda: _processed(stack, tenant.realm))  # the service now knows this tenant
    admin.delete_realm(tenant.realm)
    answer = requests.post(f"{stack.settings.service_url}/dev/events/reconcile", timeout=60).json()
    assert tenant.realm not in answer["failed"]
