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
    done = browser.submit(wrong, {"code": code}, "card-challenge-form")
    assert isinstance(done, str), "back in the app"
    claims = verify_id_token(browser, exchange_code(browser, done)["id_token"])
    assert claims["card_bound"] is True and claims["onboarding_complete"] is True


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


def test_no_test_card_number_is_stored_or_logged(stack):
    """Runs after the card tests above (same module, pytest keeps file order)."""
    state = Path(stack.settings.state_dir)
    service_db = (state / "data" / "service.db").read_bytes()
    logs = b"".join(path.read_bytes() for path in (state / "logs").glob("*") if path.is_file())
    for number in NUMBERS:
        assert number.encode() not in service_db and number.encode() not in logs, number


def test_the_relying_app_reads_the_balance_with_the_users_access_token(make_tenant, stack, admin):
    tenant = make_tenant("cloud", onboarding={"enforce": "login", "steps": [{"kind": "card", "test_charge": 500}]})
    browser, page, _ = _wizard(tenant, admin)
    code = browser.submit(page, {"number": NUMBERS[2], "expiry": "08/29", "cvc": "123"}, "card-form")
    token = exchange_code(browser, code)["access_token"]
    url = f"{stack.settings.service_url}/api/v1/me/balance"
    answer = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["balance"] == [{"currency": "RUB", "amount": "500.00", "amount_minor": 50000}]
    assert [e["kind"] for e in answer.json()["entries"]] == ["test_charge"]
    for bad in (None, "Bearer", f"Bearer {token[:-4]}abcd", f"Basic {token}"):
        refused = requests.get(url, headers={"Authorization": bad} if bad else {}, timeout=10)
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"].startswith("Bearer")
    other = make_tenant("paas")
    _, other_email = create_user(admin, other.realm)
    stranger = other.browser()
    foreign = exchange_code(stranger, stranger.login(other_email, PASSWORD))
    assert requests.get(url, headers={"Authorization": f"Bearer {foreign['access_token']}"},
                        timeout=10).json()["balance"] == [], "another realm's user sees only their own (empty) ledger"
