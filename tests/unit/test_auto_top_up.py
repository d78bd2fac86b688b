"""Auto top-up within the tenant's bounds (seed 004: amount 100 to 20,000, threshold 0 to 9,999,999):
at the bounds accepted, beyond them refused naming the field and the range; off needs no numbers;
on needs a bound card; a tenant may narrow the bounds or not offer it at all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contract.onboarding import CardStep
from webhooks.balance.auto_top_up import AutoTopUps, read_choice
from webhooks.cards.models import BoundCard
from webhooks.onboarding.i18n import translate
from webhooks.step_errors import StepRefused

SEED_004 = CardStep(kind="card")


@pytest.mark.parametrize(("amount", "threshold"), [(100, 0), (20000, 9999999), ("1 500", "300")])
def test_the_bounds_themselves_are_accepted(amount, threshold):
    choice = read_choice({"enabled": "on", "amount": amount, "threshold": threshold}, SEED_004)
    assert choice.enabled and choice.currency == "RUB"


@pytest.mark.parametrize(("amount", "threshold", "key"), [
    (99, 0, "top_up.amount_range"), (20001, 0, "top_up.amount_range"), ("", 0, "top_up.amount_range"),
    ("1e3", 0, "top_up.amount_range"), (500.5, 0, "top_up.amount_range"), (True, 0, "top_up.amount_range"),
    (500, 10_000_000, "top_up.threshold_range"), (500, -1, "top_up.threshold_range"),
    (500, None, "top_up.threshold_range"),
])
def test_beyond_the_bounds_is_refused_naming_field_and_range(amount, threshold, key):
    with pytest.raises(StepRefused) as refused:
        read_choice({"enabled": True, "amount": amount, "threshold": threshold}, SEED_004)
    assert refused.value.key == key
    message = translate("en", refused.value.key, **refused.value.params)
    if key == "top_up.amount_range":
        assert message == "Auto top-up amount: enter a whole number from 100 to 20000 RUB."
    else:
        assert message == "Balance threshold: enter a whole number from 0 to 9999999 RUB."


def test_off_needs_no_numbers_and_a_tenant_may_narrow_or_not_offer_it():
    assert read_choice({"amount": "junk"}, SEED_004).enabled is False
    narrow = CardStep(kind="card", currency="EUR", auto_top_up={"min_amount": 10, "max_amount": 50})
    with pytest.raises(StepRefused) as refused:
        read_choice({"enabled": "on", "amount": 60, "threshold": 0}, narrow)
    assert refused.value.params == {"low": 10, "high": 50, "currency": "EUR"}
    with pytest.raises(StepRefused) as off:
        read_choice({"enabled": "on", "amount": 500, "threshold": 0}, CardStep(kind="card", auto_top_up=False))
    assert off.value.key == "top_up.not_offered"


def test_turning_it_on_needs_a_bound_card_and_the_choice_is_kept_in_minor_units(sessions):
    top_ups = AutoTopUps(sessions)
    choice = read_choice({"enabled": "on", "amount": 500, "threshold": 100}, SEED_004)
    with pytest.raises(StepRefused) as refused:
        top_ups.save("cloud", "u1", choice)
    assert refused.value.key == "top_up.no_card"
    with sessions.begin() as session:
        session.add(BoundCard(realm="cloud", user_id="u1", gateway="sandbox", card_token="card_1", brand="visa",
                              last4="4242", exp_month=8, exp_year=2029, fingerprint="f" * 32,
                              bound_at=datetime.now(UTC)))
    top_ups.save("cloud", "u1", choice)
    row = top_ups.get("cloud", "u1")
    assert (row.enabled, row.amount_minor, row.threshold_minor) == (True, 50000, 10000)
    top_ups.save("cloud", "u1", read_choice({}, SEED_004))  # editable later: off again
    assert top_ups.get("cloud", "u1").enabled is False
