"""The card step in the real wizard with the sandbox gateway: a decline says why and another card
follows, 3-D Secure with the bank's code from the dev inbox, the test charge on the balance, a
`card_bound` claim, business accounts skipping the card where the tenant says so, and afterwards no
test card number in the service's database or in any log of the stack."""

from __future__ import annotations

from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from tests.support.oidc import exchange_code, verify_id_token
from tests.support.pages import Page
from tests.support.stack import create_user

PASSWORD = "Sunny-Harbor7"
NUMBERS = ("4000000000009995", "4000000000003220", "4242424242424242")
DETAILS = {"kind": "account_details", "business_accounts": True}


def _wizard(tenant, admin):
    _, email = create_user(admin, tenant.realm, onboarded=False)
    browser = tenant.browser()
    page = browser.login(email, PASSWORD)
    assert isinstance(page, Page) and "/onboarding/" in page.url
    return browser, page, email


def test_decline_then_3d_secure_then_the_app_sees_a_bound_card(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [
        {"kind": "card", "test_charge": 500, "currency": "RUB"}]})
    browser, page, email = _wizard(tenant, admin)
    assert "Payment card" in page.text and "500" in page.soup.find(id="card-charge").text
    declined = browser.submit(page, {"number": NUMBERS[0], "expiry": "08/29", "cvc": "123"}, "card-form")
    assert declined.status == 422 and "not enough money" in declined.soup.find(id="error").text
    challenge = browser.submit(declined, {"number": NUMBERS[1], "expiry": "08/29", "cvc": "123"}, "card-form")
    assert "ending in 3220" in challenge.soup.find(id="card-challenge").text
    code = stack.inbox.wait_for(email)[0]["text"].rsplit(" ", 1)[1]
    wrong = browser.submit(challenge, {"code": "000000" if code != "000000" else "111111"}, "card-challenge-form")
    assert "not correct" in wrong.soup.find(id="error").text
    bound = browser.submit(wrong, {"code": code}, "card-challenge-form")
    assert "Visa ending in 3220 is linked" in bound.soup.find(id="card-bound").text
    # Seed 004's optional auto top-up, then "Get started".
    too_small = browser.submit(bound, {"enabled": "on", "amount": "99", "threshold": "0"}, "card-finish-form")
    assert too_small.status == 422
    assert "amount: enter a whole number from 100 to 20000 RUB" in too_small.soup.find(id="error").text
    done = browser.submit(too_small, {"enabled": "on", "amount": "20000", "threshold": "9999999"}, "card-finish-form")
    assert isinstance(done, str), "back in the app"
    tokens = exchange_code(browser, done)
    claims = verify_id_token(browser, tokens["id_token"])
    assert claims["card_bound"] is True and claims["onboarding_complete"] is True
    top_up = requests.get(f"{stack.settings.service_url}/api/v1/me/auto-top-up", timeout=10,
                          headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    assert (top_up["enabled"], top_up["amount"], top_up["threshold"]) == (True, "20000.00", "9999999.00")
    beyond = requests.put(f"{stack.settings.service_url}/api/v1/me/auto-top-up", timeout=10,
                          json={"enabled": True, "amount": 500, "threshold": 10_000_000},
                          headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert beyond.status_code == 422 and beyond.json()["field"] == "threshold"
    assert "from 0 to 9999999 RUB" in beyond.json()["message"]


def test_a_double_submit_is_one_charge(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [{"kind": "card", "test_charge": 100}]})
    browser, page, _ = _wizard(tenant, admin)
    action, fields = page.form("card-form")
    form = {**fields, "number": NUMBERS[2], "expiry": "08/29", "cvc": "123"}
    first = browser.session.post(action, data=form, allow_redirects=False, timeout=30)
    second = browser.session.post(action, data=form, allow_redirects=False, timeout=30)
    assert first.status_code == second.status_code == 302
    engine = create_engine(f"sqlite:///{Path(stack.settings.state_dir) / 'data' / 'service.db'}")
    with engine.connect() as connection:
        user = connection.execute(text("SELECT user_id FROM card_bindings WHERE attempt_id = :a"),
                                  {"a": fields["attempt"]}).scalar_one()
        entries = connection.execute(text("SELECT amount_minor FROM ledger_entries WHERE user_id = :u"),
                                     {"u": user}).scalars().all()
    assert entries == [10000], "one test charge of 100.00 credited, once"


def test_business_accounts_skip_the_card_where_the_tenant_says_so(make_tenant, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [
        DETAILS, {"kind": "card", "account_types": ["personal"]}]})
    browser, page, _ = _wizard(tenant, admin)
    assert "Step 1 of 2" in page.text
    code = browser.submit(page, {"country": "DE", "account_type": "business", "company_name": "Beispiel GmbH",
                                 "tax_id": "DE136695976"}, "account-form")
    assert isinstance(code, str), "no card step for a business account"


def test_the_relying_app_reads_the_balance_with_the_users_access_token(make_tenant, stack, admin):
    # No auto top-up offered: the step ends as the card is bound; the sign-up bonus follows (seed 004).
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "signup_bonus": {"amount": 1000},
                                              "steps": [{"kind": "card", "test_charge": 500, "auto_top_up": False}]})
    browser, page, _ = _wizard(tenant, admin)
    code = browser.submit(page, {"number": NUMBERS[2], "expiry": "08/29", "cvc": "123"}, "card-form")
    token = exchange_code(browser, code)["access_token"]
    url = f"{stack.settings.service_url}/api/v1/me/balance"
    answer = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["balance"] == [{"currency": "RUB", "amount": "1500.00", "amount_minor": 150000}]
    assert [e["kind"] for e in answer.json()["entries"]] == ["signup_bonus", "test_charge"]
    card = requests.get(f"{stack.settings.service_url}/api/v1/me/card", timeout=10,
                        headers={"Authorization": f"Bearer {token}"}).json()["card"]
    assert (card["brand"], card["last4"]) == ("visa", "4242") and "token" not in str(card)
    refused = requests.put(f"{stack.settings.service_url}/api/v1/me/auto-top-up", json={"enabled": True,
                           "amount": 500, "threshold": 0}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert refused.status_code == 422 and refused.json()["error"] == "top_up_not_offered"
    for bad in (None, "Bearer", f"Bearer {token[:-4]}abcd", f"Basic {token}"):
        refused = requests.get(url, headers={"Authorization": bad} if bad else {}, timeout=10)
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    other = make_tenant("paas")
    _, other_email = create_user(admin, other.realm)
    stranger = other.browser()
    foreign = exchange_code(stranger, stranger.login(other_email, PASSWORD))
    assert requests.get(url, headers={"Authorization": f"Bearer {foreign['access_token']}"},
                        timeout=10).json()["balance"] == [], "another realm's user sees only their own (empty) ledger"


def test_the_balance_page_signs_in_through_the_realm_and_changes_auto_top_up(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [{"kind": "card", "test_charge": 300}]})
    browser, page, _ = _wizard(tenant, admin)
    bound = browser.submit(page, {"number": NUMBERS[2], "expiry": "08/29", "cvc": "123"}, "card-form")
    assert isinstance(browser.submit(bound, {}, "card-finish-form"), str), "top-up left off; back in the app"
    balance_url = f"{stack.settings.service_url}/my/{tenant.realm}/balance"
    stranger = tenant.browser()
    assert "/protocol/openid-connect/auth" in stranger.open(balance_url).url, "no Keycloak session: sign in first"
    page = browser.open(balance_url)  # the Keycloak session from sign-up signs in silently
    assert page.status == 200 and page.url == balance_url
    assert "300,00" in page.soup.find(id="balance").text.replace("\xa0", " ") or \
        "300.00" in page.soup.find(id="balance").text
    assert "Card check, credited" in page.soup.find(id="entries").text
    too_high = browser.submit(page, {"enabled": "on", "amount": "500", "threshold": "10000000"}, "top-up-form")
    assert too_high.status == 422 and "threshold" in too_high.soup.find(id="error").text
    saved = browser.submit(too_high, {"enabled": "on", "amount": "500", "threshold": "100"}, "top-up-form")
    assert saved.soup.find(id="saved") is not None
    assert saved.soup.find(id="amount")["value"] == "500" and saved.soup.find(id="threshold")["value"] == "100"
    other = browser.open(f"{stack.settings.service_url}/my/no-such-realm/balance")
    assert other.status == 404


def test_a_card_skipped_at_sign_up_is_linked_later_from_the_balance_page(make_tenant, stack, admin):
    # Seed 004: an account the card step skipped links a card later, with the same checks and 3-D Secure.
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [
        DETAILS, {"kind": "card", "account_types": ["personal"], "test_charge": 200}]})
    browser, page, email = _wizard(tenant, admin)
    assert isinstance(browser.submit(page, {"country": "DE", "account_type": "business", "company_name": "Beispiel "
                                            "GmbH", "tax_id": "DE136695976"}, "account-form"), str)
    balance_url = f"{stack.settings.service_url}/my/{tenant.realm}/balance"
    balance = browser.open(balance_url)
    assert "No card is linked" in balance.soup.find(id="card").text
    form = browser.open(stack.settings.service_url + balance.soup.find(id="link-card")["href"])
    assert form.status == 200 and "200" in form.soup.find(id="card-charge").text
    expired = browser.submit(form, {"number": NUMBERS[1], "expiry": "01/20", "cvc": "123"}, "card-form")
    assert expired.status == 422 and "Valid thru" in expired.soup.find(id="error").text
    challenge = browser.submit(expired, {"number": NUMBERS[1], "expiry": "08/29", "cvc": "123"}, "card-form")
    assert "ending in 3220" in challenge.soup.find(id="card-challenge").text
    code = stack.inbox.wait_for(email)[0]["text"].rsplit(" ", 1)[1]
    linked = browser.submit(challenge, {"code": code}, "card-challenge-form")
    assert linked.url.startswith(balance_url) and linked.soup.find(id="linked") is not None
    assert "ending in 3220" in linked.soup.find(id="card").text
    assert "Card check, credited" in linked.soup.find(id="entries").text
    admin.change_current_realm(tenant.realm)
    [user] = admin.get_users({"email": email, "exact": True})
    assert user["attributes"]["cardBound"] == ["true"], "the next token says card_bound: true"
    again = browser.open(f"{stack.settings.service_url}/my/{tenant.realm}/card")
    assert again.url.startswith(balance_url), "one card per account: the form is not offered again"
    no_cards = make_tenant("paas")
    _, other_email = create_user(admin, no_cards.realm)
    other = no_cards.browser()
    other.login(other_email, PASSWORD)
    refused = other.open(f"{stack.settings.service_url}/my/{no_cards.realm}/card")
    assert refused.status == 404 and "does not take payment cards" in refused.text


def test_no_test_card_number_is_stored_or_logged(stack):
    """Runs after the card tests above (same module, pytest keeps file order)."""
    state = Path(stack.settings.state_dir)
    service_db = (state / "data" / "service.db").read_bytes()
    logs = b"".join(path.read_bytes() for path in (state / "logs").glob("*") if path.is_file())
    for number in NUMBERS:
        assert number.encode() not in service_db and number.encode() not in logs, number
