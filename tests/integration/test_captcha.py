"""The captcha step in the real wizard: a picture and a sound from the same sealed answer, reload,
wrong answers, and onboarding completes with the right one. The answer is nowhere on the page; in
dev mode the dev inbox shows it (to the user's address), which is how this test solves it."""

from __future__ import annotations

from urllib.parse import urljoin

from tests.support.oidc import exchange_code, verify_id_token
from tests.support.pages import Page
from tests.support.stack import create_user

PASSWORD = "Sunny-Harbor7"


def _answer(stack, email: str, count: int) -> str:
    return stack.inbox.wait_for(email, count=count)[0]["text"]


def test_a_person_passes_the_captcha_and_lands_in_the_app(make_tenant, stack, admin):
    tenant = make_tenant("paas", onboarding={"enforce": "login", "steps": [{"kind": "captcha", "attempts": 2}]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    assert isinstance(page, Page) and "Human check" in page.text and "Step 1 of 1" in page.text
    first = _answer(stack, email, 1)
    assert first not in str(page.soup), "the answer is not on the page"

    picture = browser.session.get(urljoin(page.url, page.soup.find(id="captcha-picture")["src"]), timeout=10)
    assert picture.status_code == 200 and picture.headers["Content-Type"] == "image/png"
    sound = browser.session.get(urljoin(page.url, page.soup.find(id="captcha-sound")["href"]), timeout=10)
    assert sound.status_code == 200 and sound.content[:4] == b"RIFF"
    stranger = tenant.browser().session.get(picture.url, timeout=10)
    assert stranger.status_code == 404, "another browser cannot fetch the picture"

    reloaded = browser.submit(page, {}, "captcha-reload-form")
    challenge = lambda p: p.soup.find("input", attrs={"name": "challenge"})["value"]  # noqa: E731
    assert challenge(reloaded) != challenge(page), "another picture"
    second = _answer(stack, email, 2)
    # The first picture's answer does not count for the second picture.
    refused = browser.submit(reloaded, {"answer": first if first != second else "XXXXX"}, "captcha-form")
    assert refused.status == 422 and "Attempts left: 1" in refused.soup.find(id="error").text
    code = browser.submit(refused, {"answer": second.lower()}, "captcha-form")
    assert isinstance(code, str), "back in the app"
    assert verify_id_token(browser, exchange_code(browser, code)["id_token"])["onboarding_complete"] is True


def test_spent_attempts_bring_a_new_picture(make_tenant, stack, admin):
    tenant = make_tenant("paas", onboarding={"enforce": "login", "steps": [{"kind": "captcha", "attempts": 1}]})
    _, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    answer = _answer(stack, email, 1)
    spent = browser.submit(page, {"answer": "XXXXX" if answer != "XXXXX" else "YYYYY"}, "captcha-form")
    assert "Here is a new one" in spent.soup.find(id="error").text
    late = browser.submit(spent, {"answer": answer, "challenge": page.soup.find(
        "input", attrs={"name": "challenge"})["value"]}, "captcha-form")
    assert isinstance(late, Page) and late.status == 422, "the old picture's answer no longer counts"
