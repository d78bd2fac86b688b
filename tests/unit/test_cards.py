"""The card step's rules on the service with the sandbox gateway: each field's error, every sandbox
outcome, virtual and prepaid cards per tenant, 3-D Secure, the test charge in the ledger (and its
refund), a double submit charging once, and no card number or CVC anywhere in the database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from contract.onboarding import CardStep
from tests.support.clock import Clock
from webhooks.balance import ledger
from webhooks.balance.money import to_minor
from webhooks.cards.card_input import read_card
from webhooks.cards.sandbox import SandboxGateway, SandboxPayment
from webhooks.cards.service import CardService
from webhooks.code_store import CodeStore
from webhooks.devinbox.repository import DevInboxRepository
from webhooks.devinbox.sms_sink import DevSinkSms
from webhooks.step_errors import StepRefused

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CARD = {"number": "4242 4242 4242 4242", "expiry": "08/29", "cvc": "123"}
PHONE = "+79991234567"


@pytest.fixture
def env(sessions):
    inbox = DevInboxRepository(sessions)
    sandbox = SandboxGateway(sessions, DevSinkSms(inbox), CodeStore("card-3ds", b"c" * 32), b"f" * 32,
                             lambda code: f"Bank code: {code}", Clock())
    return CardService(sessions, sandbox, "sandbox", Clock()), inbox, sessions


def bind(service, settings=None, attempt="a-1", **card):
    return service.bind(settings or CardStep(kind="card", test_charge=500), "cloud", "u1", attempt,
                        read_card({**CARD, **card}, NOW), PHONE, "http://127.0.0.1:5080/onboarding/f")


@pytest.mark.parametrize(("field", "value", "refusal"), [
    ("number", "", "card.number_required"), ("number", "4242 4242 4242 4241", "card.number_invalid"),
    ("number", "4242-abcd", "card.number_invalid"), ("expiry", "13/29", "card.expiry_invalid"),
    ("expiry", "0829", "card.expiry_invalid"), ("expiry", "10/26", "card.expiry_past"),
    ("cvc", "12", "card.cvc_invalid"), ("cvc", "12a", "card.cvc_invalid"),
])
def test_each_field_error_names_its_field(field, value, refusal):
    with pytest.raises(StepRefused) as caught:
        read_card({**CARD, field: value}, NOW)
    assert caught.value.key == refusal


def test_a_good_card_is_bound_and_its_test_charge_credited(env):
    service, _, sessions = env
    assert bind(service) is True
    state = service.state("cloud", "u1")
    assert (state.bound.brand, state.bound.last4, state.bound.exp_month, state.bound.exp_year) == ("visa", "4242", 8,
                                                                                                    2029)
    with sessions() as session:
        assert ledger.balance(session, "cloud", "u1") == {"RUB": to_minor(500, "RUB")} == {"RUB": 50000}


@pytest.mark.parametrize(("number", "refusal"), [
    ("4000000000009995", "card.declined_insufficient_funds"), ("4000000000009979", "card.declined_stolen_card"),
    ("4000000000000069", "card.declined_expired_card"),
])
def test_declines_say_why_and_another_card_may_follow(env, number, refusal):
    service, _, sessions = env
    with pytest.raises(StepRefused) as caught:
        bind(service, number=number)
    assert caught.value.key == refusal
    assert bind(service, attempt="a-2") is True
    with sessions() as session:
        assert ledger.balance(session, "cloud", "u1") == {"RUB": 50000}


@pytest.mark.parametrize(("number", "allowed", "refusal"), [
    ("2221000000000009", {"allow_virtual_cards": False}, "card.virtual_refused"),
    ("4000180000000002", {"allow_prepaid_cards": False}, "card.prepaid_refused"),
])
def test_virtual_and_prepaid_cards_follow_the_tenant(env, number, allowed, refusal):
    service, _, sessions = env
    with pytest.raises(StepRefused, match=refusal.replace(".", r"\.")):
        bind(service, CardStep(kind="card", **allowed), number=number)
    with sessions() as session:
        assert session.scalar(select(SandboxPayment)) is None, "refused before any charge"
    flipped = {key: not value for key, value in allowed.items()}
    assert bind(service, CardStep(kind="card", **flipped), attempt="a-2", number=number) is True


def test_3d_secure_code_from_the_bank_then_bound(env):
    service, inbox, _ = env
    assert bind(service, number="4000000000003220") is False
    assert service.state("cloud", "u1").challenge_last4 == "3220"
    code = inbox.list(PHONE)[0].text_body.rsplit(" ", 1)[1]
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(StepRefused, match=r"card\.challenge_wrong"):
        service.confirm(CardStep(kind="card", test_charge=500), "cloud", "u1", wrong)
    service.confirm(CardStep(kind="card", test_charge=500), "cloud", "u1", code)
    assert service.state("cloud", "u1").bound.last4 == "3220"


def test_failed_3d_secure_declines_and_another_card_may_follow(env):
    service, _, _ = env
    settings = CardStep(kind="card", test_charge=500)
    bind(service, number="4000000000003220")
    for _ in range(2):
        with pytest.raises(StepRefused, match=r"card\.challenge_wrong"):
            service.confirm(settings, "cloud", "u1", "999999x")
    with pytest.raises(StepRefused, match=r"card\.declined_challenge_failed"):
        service.confirm(settings, "cloud", "u1", "999999x")
    assert bind(service, attempt="a-2") is True


def test_a_double_submit_charges_once(env):
    service, _, sessions = env
    assert bind(service) is True and bind(service) is True  # the same form (attempt) twice
    with sessions() as session:
        assert len(session.scalars(select(SandboxPayment)).all()) == 1
        assert ledger.balance(session, "cloud", "u1") == {"RUB": 50000}


def test_a_refunded_test_charge_leaves_the_balance_at_zero_with_both_entries(env):
    service, _, sessions = env
    bind(service, CardStep(kind="card", test_charge=500, refund_test_charge=True))
    with sessions() as session:
        assert ledger.balance(session, "cloud", "u1") == {"RUB": 0}
        assert [e.kind for e in ledger.entries(session, "cloud", "u1")] == ["refund", "test_charge"]
        assert session.scalar(select(SandboxPayment)).refunded_at is not None


def test_no_card_number_or_cvc_is_stored_or_shown(env):
    service, _, sessions = env
    bind(service, cvc="987")
    bind(service, attempt="a-2", number="4000000000003220", cvc="654")
    with sessions() as session:
        tables = [r[0] for r in session.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))]
        dump = " ".join(str(row) for table in tables for row in session.execute(text(f'SELECT * FROM "{table}"')))
        columns = {c[1] for table in tables for c in session.execute(text(f'PRAGMA table_info("{table}")'))}
    for number in ("4242424242424242", "4000000000003220"):
        assert number not in dump.replace(" ", "")
    assert not {c for c in columns if "cvc" in c or "cvv" in c or c in {"number", "pan"}}, "nowhere to keep them"
    shown = repr(read_card(CARD, NOW))
    assert "4242" not in shown and "123" not in shown
