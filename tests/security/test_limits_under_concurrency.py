"""Attack 3: outrunning limits with parallel requests. Every limit holds exactly when requests hit two
service workers (two processes on one database) at once: attempts per code, the resend cooldown, and
the daily sends per number, user, IP, prefix, country and tenant."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.support.onboarding import phone_code, random_ru_mobile
from tests.support.pages import Page
from tests.support.stack import create_user
from tests.support.workers import copy_session, fire, on_worker, second_worker

PASSWORD = "Sunny-Harbor7"
HIGH = {"per_number": 100, "per_user": 100, "per_ip": 10000, "per_prefix": 100000, "per_country": 100000,
        "per_tenant": 100000}


def phone_tenant(make_tenant, **step):
    limits = {**HIGH, **step.pop("daily_limits", {})}
    return make_tenant("cloud", onboarding={"enforce": "login", "steps": [
        {"kind": "phone", "allowed_countries": ["RU"], "resend_cooldown": "60s", "daily_limits": limits, **step}]})


def _in_wizard(tenant, admin):
    _, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    assert isinstance(page, Page) and "/onboarding/" in page.url
    return browser, page


@pytest.fixture(scope="module")
def worker_b(stack):
    with second_worker(stack.settings) as url:
        yield url


def _post(browser, page: Page, form_id: str, values: dict, base: str, service: str):
    action, fields = page.form(form_id)
    session = copy_session(browser.session)
    url = on_worker(action, service, base)
    return lambda: session.post(url, data={**fields, **values}, allow_redirects=False, timeout=60)


def _sent(responses) -> int:
    """How many sends went through: a successful form redirects to the next page."""
    return sum(1 for r in responses if r.status_code == 302)


def _errors(responses) -> list[str]:
    """The message each refused request showed."""
    return [BeautifulSoup(r.text, "html.parser").find(id="error").get_text(" ", strip=True)
            for r in responses if r.status_code == 422]


def wrong_codes_spend_exactly_the_attempts(tenant, admin, inbox, service: str, workers: list[str]) -> None:
    """Ten wrong codes at once, spread over the workers' base URLs: each remaining count is told once
    and the right code afterwards is refused. Five attempts per code."""
    browser, page = _in_wizard(tenant, admin)
    number = random_ru_mobile()
    page = browser.submit(page, {"phone": number}, "phone-form")
    right = phone_code(inbox, number)
    wrong = "0000" if right != "0000" else "1111"
    guesses = [_post(browser, page, "verify-form", {"code": wrong}, workers[i % len(workers)], service)
               for i in range(10)]
    responses = fire(guesses)
    assert all(r.status_code == 422 for r in responses), [r.status_code for r in responses]
    errors = _errors(responses)
    told_left = sorted(int(e.rsplit(" ", 1)[1].rstrip(".")) for e in errors if "not correct" in e)
    assert told_left == [1, 2, 3, 4], errors  # each remaining count told exactly once
    assert sum("are spent" in e for e in errors) == 6  # the 5th spent the last, five found none left
    late = browser.submit(page, {"code": right}, "verify-form")
    assert "are spent" in late.soup.find(id="error").text, "the right code after the attempts is refused"


def test_parallel_wrong_codes_spend_exactly_the_attempts(make_tenant, stack, admin, worker_b):
    service = stack.settings.service_url
    wrong_codes_spend_exactly_the_attempts(phone_tenant(make_tenant, attempts_per_code=5), admin, stack.inbox,
                                           service, [service, worker_b])


def test_parallel_resends_to_one_number_send_one_code(make_tenant, stack, admin, worker_b):
    tenant = phone_tenant(make_tenant)
    browser, page = _in_wizard(tenant, admin)
    number = random_ru_mobile()
    service = stack.settings.service_url
    responses = fire([_post(browser, page, "phone-form", {"phone": number}, (service, worker_b)[i % 2], service)
                      for i in range(8)])
    assert _sent(responses) == 1
    assert all("Please wait" in e for e in _errors(responses))
    assert len(stack.inbox.messages(number)) == 1


def test_parallel_sends_of_one_user_stop_at_the_daily_limit(make_tenant, stack, admin, worker_b):
    tenant = phone_tenant(make_tenant, daily_limits={"per_user": 3})
    browser, page = _in_wizard(tenant, admin)
    numbers = [random_ru_mobile() for _ in range(8)]
    service = stack.settings.service_url
    responses = fire([_post(browser, page, "phone-form", {"phone": n}, (service, worker_b)[i % 2], service)
                      for i, n in enumerate(numbers)])
    assert _sent(responses) == 3
    assert sum(len(stack.inbox.messages(n)) for n in numbers) == 3
    assert all("Too many codes" in e for e in _errors(responses))


def _prefix_numbers(count: int) -> list[str]:
    head = random_ru_mobile()[:9]  # +7 and seven digits: one prefix
    return [f"{head}{i:03d}"[:12] for i in range(count)]


@pytest.mark.parametrize(("limit", "numbers"), [
    ("per_number", lambda: [random_ru_mobile()] * 6),
    ("per_ip", lambda: [random_ru_mobile() for _ in range(6)]),  # every request comes from 127.0.0.1
    ("per_prefix", lambda: _prefix_numbers(6)),
    ("per_country", lambda: [random_ru_mobile() for _ in range(6)]),
    ("per_tenant", lambda: [random_ru_mobile() for _ in range(6)]),
])
def test_parallel_sends_of_many_users_stop_at_each_daily_limit(make_tenant, stack, admin, worker_b, limit, numbers):
    tenant = phone_tenant(make_tenant, daily_limits={limit: 2})
    targets = numbers()
    users = [_in_wizard(tenant, admin) for _ in targets]
    service = stack.settings.service_url
    responses = fire([_post(browser, page, "phone-form", {"phone": number}, (service, worker_b)[i % 2], service)
                      for i, ((browser, page), number) in enumerate(zip(users, targets, strict=True))])
    assert _sent(responses) == 2, [r.status_code for r in responses]
    assert sum(len(stack.inbox.messages(n)) for n in set(targets)) == 2
    assert all("Too many codes" in e for e in _errors(responses))


def test_parallel_verifications_of_one_number_fit_its_account_limit(make_tenant, stack, admin, worker_b):
    tenant = phone_tenant(make_tenant, accounts_per_number=1)
    number = random_ru_mobile()
    pending = []
    for i in range(4):
        browser, page = _in_wizard(tenant, admin)
        page = browser.submit(page, {"phone": number}, "phone-form")
        pending.append((browser, page, phone_code(stack.inbox, number, count=i + 1)))
    service = stack.settings.service_url
    responses = fire([_post(browser, page, "verify-form", {"code": code}, (service, worker_b)[i % 2], service)
                      for i, (browser, page, code) in enumerate(pending)])
    assert _sent(responses) == 1, [r.status_code for r in responses]
    assert all("maximum number of accounts" in e for e in _errors(responses))


def _email_tenant(make_tenant):
    return make_tenant("console", onboarding={"enforce": "login", "steps": [
        {"kind": "email_code", "attempts": 5, "resend_cooldown": "60s"}]})


def test_parallel_wrong_email_codes_spend_exactly_the_attempts(make_tenant, stack, admin, worker_b):
    tenant = _email_tenant(make_tenant)
    _, email = create_user(admin, tenant.realm, onboarded=False, emailVerified=False)
    browser = tenant.browser()
    page = browser.submit(browser.login(email, PASSWORD), {}, "email-send-form")
    service = stack.settings.service_url
    responses = fire([_post(browser, page, "email-verify-form", {"code": "ZZZ-ZZZ"}, (service, worker_b)[i % 2],
                            service) for i in range(10)])
    errors = _errors(responses)
    assert sorted(int(e.rsplit(" ", 1)[1].rstrip(".")) for e in errors if "not correct" in e) == [1, 2, 3, 4]
    assert sum("are spent" in e for e in errors) == 6


def test_parallel_email_code_requests_send_one_email(make_tenant, stack, admin, worker_b):
    tenant = _email_tenant(make_tenant)
    _, email = create_user(admin, tenant.realm, onboarded=False, emailVerified=False)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    service = stack.settings.service_url
    responses = fire([_post(browser, page, "email-send-form", {}, (service, worker_b)[i % 2], service)
                      for i in range(8)])
    assert _sent(responses) == 1 and all("Please wait" in e for e in _errors(responses))
    stack.inbox.wait_for(email)
    assert len(stack.inbox.messages(email)) == 1
