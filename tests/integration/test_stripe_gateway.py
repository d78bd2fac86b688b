"""The Stripe adapter, driven through the card service against stripe-mock (built from the Go module
proxy, validating each request against Stripe's API spec): a card saved as a PaymentMethod on a
Customer, the test charge as a PaymentIntent carrying our idempotency key (once, even when the form
is sent twice), 3-D Secure on the bank's page, a decline that says why, the refund, and Stripe down
giving a clear error that a retry of the same form recovers from without a second key."""

from __future__ import annotations

import contextlib
import logging

import pytest

from contract.onboarding import CardStep
from tests.support.counting_proxy import CountingProxy
from tests.support.stripe_mock import StripeMock, fixtures_with_intent, stock_fixtures
from webhooks.balance import ledger
from webhooks.cards.card_input import read_card
from webhooks.cards.service import CardService
from webhooks.cards.stripe_gateway import GatewayUnavailable, StripeGateway
from webhooks.db import make_engine, make_sessions, upgrade
from webhooks.step_errors import StepRefused

CARD = {"number": "4242 4242 4242 4242", "expiry": "08/29", "cvc": "123"}
RETURN = "http://127.0.0.1:5080/onboarding/flow-1"
BANK_PAGE = "https://hooks.stripe.com/3d_secure_2/hosted?payment_intent=pi_1"


@pytest.fixture(scope="module")
def mocks(tmp_path_factory):
    """stripe-mock answering each outcome, started once for the module."""
    base = tmp_path_factory.mktemp("stripe")
    decline = {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds"}
    outcomes = {
        "succeeded": fixtures_with_intent("succeeded"),
        "3ds": fixtures_with_intent("requires_action", next_action={
            "type": "redirect_to_url", "redirect_to_url": {"url": BANK_PAGE, "return_url": RETURN}}),
        "declined": fixtures_with_intent("requires_payment_method", last_payment_error=decline),
        "stock": stock_fixtures(),
    }
    with contextlib.ExitStack() as stack:  # one failing to start stops those already running
        started = {name: stack.enter_context(StripeMock(fixtures, base / name)) for name, fixtures in outcomes.items()}
        yield {name: mock.url for name, mock in started.items()}


@pytest.fixture
def cards(tmp_path, mocks):
    """A card service on Stripe, through a proxy that shows what reached Stripe (and can be re-pointed)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'service.db'}")
    upgrade(engine)
    sessions = make_sessions(engine)
    with CountingProxy(mocks["succeeded"]) as proxy:
        yield CardService(sessions, StripeGateway("sk_test_idp", proxy.url), "stripe"), proxy, sessions


def bind(service, settings=None, attempt="a-1"):
    return service.bind(settings or CardStep(kind="card", test_charge=500), "cloud", "u1", attempt,
                        read_card(CARD, service.now()), "+79991234567", RETURN)


def calls(proxy, path):
    return [headers for method, seen, headers in proxy.seen if method == "POST" and seen == path]


def test_a_card_is_saved_on_a_customer_and_the_test_charge_credited(cards):
    service, proxy, sessions = cards
    assert bind(service) is True
    card = service.bound("cloud", "u1")
    assert card.gateway == "stripe" and card.card_token.startswith("pm_") and card.customer.startswith("cus_")
    assert (card.brand, card.last4) == ("visa", "4242") and card.fingerprint
    [charge] = calls(proxy, "/v1/payment_intents")
    assert charge["Idempotency-Key"] == "cloud:u1:a-1"
    assert "Bearer sk_test_idp" in charge["Authorization"]
    with sessions() as session:
        assert ledger.balance(session, "cloud", "u1") == {"RUB": 50000}


def test_the_same_form_twice_reaches_stripe_once(cards):
    service, proxy, sessions = cards
    assert bind(service) is True and bind(service) is True
    assert len(calls(proxy, "/v1/payment_intents")) == 1
    with sessions() as session:
        assert ledger.balance(session, "cloud", "u1") == {"RUB": 50000}


def test_3d_secure_is_the_banks_page_and_the_intent_is_read_on_return(cards, mocks):
    service, proxy, _ = cards
    proxy.upstream = mocks["3ds"]
    assert bind(service) is False
    state = service.state("cloud", "u1")
    assert state.challenge_url == BANK_PAGE and state.challenge_last4 == "4242"
    with pytest.raises(StepRefused) as still_waiting:
        service.confirm(CardStep(kind="card", test_charge=500), "cloud", "u1", "")
    assert still_waiting.value.key == "card.challenge_wrong"
    proxy.upstream = mocks["succeeded"]  # the cardholder confirmed at the bank
    service.confirm(CardStep(kind="card", test_charge=500), "cloud", "u1", "")
    assert service.bound("cloud", "u1").last4 == "4242"


@pytest.mark.parametrize("mock", ["declined", "stock"])
def test_a_decline_says_why(cards, mocks, mock):
    service, proxy, _ = cards
    proxy.upstream = mocks[mock]
    with pytest.raises(StepRefused) as declined:
        bind(service)
    # The stock fixture declines with no decline code: the general message.
    expected = "card.declined_insufficient_funds" if mock == "declined" else "card.declined_card_declined"
    assert declined.value.key == expected
    assert service.bound("cloud", "u1") is None


def test_the_refund_carries_its_own_key(cards):
    service, proxy, sessions = cards
    assert bind(service, CardStep(kind="card", test_charge=500, refund_test_charge=True)) is True
    [refund] = calls(proxy, "/v1/refunds")
    assert refund["Idempotency-Key"].startswith("refund:pi_")
    with sessions() as session:
        assert ledger.balance(session, "cloud", "u1") == {"RUB": 0}


def test_stripe_down_is_a_clear_error_and_the_same_form_retries_with_the_same_key(cards, mocks, caplog):
    service, proxy, _ = cards
    proxy.upstream = "http://127.0.0.1:9"  # nothing listens there
    with caplog.at_level(logging.ERROR), pytest.raises(GatewayUnavailable) as down:
        bind(service)
    assert down.value.status == 503 and "try again" in down.value.message
    assert "4242424242424242" not in caplog.text
    proxy.upstream = mocks["succeeded"]
    assert bind(service) is True
    assert [h["Idempotency-Key"] for h in calls(proxy, "/v1/payment_intents")][-1] == "cloud:u1:a-1"
