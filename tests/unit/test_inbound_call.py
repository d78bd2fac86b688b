"""Inbound-call verification (seed 002) on the phone service and its voice line: the page shows digits,
the user calls the platform's number from their own and keys them in; caller ID and digits must
match, within the code's lifetime and attempts; the digits typed on the page never count."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from contract.onboarding import PhoneStep
from tests.support.clock import Clock
from tests.support.stored_codes import assert_kept_only_hashed_and_sealed
from webhooks.code_store import CodeStore, OneTimeCode
from webhooks.devinbox.repository import DevInboxRepository
from webhooks.devinbox.sms_sink import DevSinkSms
from webhooks.phone.service import PhoneService
from webhooks.phone.voice_line import VoiceLine
from webhooks.sealing import Sealer
from webhooks.step_errors import StepRefused

RU = "+79991234567"
LINE = "+74951234567"
POLICY = PhoneStep(kind="phone", allowed_countries=["RU"], channel="inbound_call", call_number="+7 495 123-45-67",
                   attempts_per_code=2)


@pytest.fixture
def env(sessions):
    inbox = DevInboxRepository(sessions)
    clock = Clock()
    phones = PhoneService(sessions, DevSinkSms(inbox), CodeStore("phone", b"pepper" * 6), clock,
                          sealer=Sealer(b"k" * 32))
    line = VoiceLine(phones, lambda realm: POLICY if realm == "cloud" else None, lambda realm: "en")
    return phones, line, inbox, clock, sessions


def _start(phones, user="u1", number=RU):
    phones.start_inbound(POLICY, "cloud", user, number, "10.0.0.1")
    return phones.state(POLICY, "cloud", user)


def test_the_call_number_is_stored_in_e164_and_only_inbound_calls_have_one():
    assert POLICY.call_number == LINE
    with pytest.raises(ValidationError, match="needs call_number"):
        PhoneStep(kind="phone", channel="inbound_call")
    with pytest.raises(ValidationError, match="needs call_number"):
        PhoneStep(kind="phone", channel="sms", call_number=LINE)
    with pytest.raises(ValidationError, match="international format"):
        PhoneStep(kind="phone", channel="inbound_call", call_number="call us")


def test_a_call_from_the_entered_number_with_the_digits_verifies_it(env):
    phones, line, inbox, _, sessions = env
    state = _start(phones)
    assert state.pending_number == RU and state.digits and len(state.digits) == POLICY.code_length
    assert inbox.list(RU) == [], "nothing is sent: the user calls"
    with sessions() as session:
        [record] = session.scalars(select(OneTimeCode)).all()
    assert_kept_only_hashed_and_sealed(state.digits, record)

    asked = line.answer("+7 (999) 123-45-67", LINE)
    assert asked.gather == POLICY.code_length and "key in the digits" in asked.say
    with pytest.raises(StepRefused, match="call_not_received"):
        phones.confirm_inbound(POLICY, "cloud", "u1")
    done = line.keyed(RU, LINE, state.digits)
    assert done.outcome.kind == "verified" and done.gather == 0
    assert phones.confirm_inbound(POLICY, "cloud", "u1") == RU
    assert phones.state(POLICY, "cloud", "u1").called is True


def test_the_digits_typed_on_the_page_never_verify(env):
    phones, *_ = env
    state = _start(phones)
    with pytest.raises(StepRefused, match="call_not_received"):
        phones.verify(POLICY, "cloud", "u1", state.digits)


def test_another_caller_id_or_another_line_finds_nothing_and_spends_nothing(env):
    phones, line, *_ = env
    state = _start(phones)
    assert line.keyed("+79990000000", LINE, state.digits).outcome.kind == "no_pending"
    assert line.keyed(RU, "+74950000000", state.digits).outcome.kind == "no_pending"
    assert line.answer("anonymous", LINE).outcome.kind == "no_pending"
    assert phones.state(POLICY, "cloud", "u1").attempts_left == POLICY.attempts_per_code


def test_wrong_digits_spend_attempts_and_the_last_blocks_the_number(env):
    phones, line, *_ = env
    state = _start(phones)
    wrong = "0" * POLICY.code_length if state.digits != "0" * POLICY.code_length else "1" * POLICY.code_length
    first = line.keyed(RU, LINE, wrong)
    assert first.outcome.kind == "wrong" and first.outcome.attempts_left == 1 and first.gather == POLICY.code_length
    last = line.keyed(RU, LINE, wrong)
    assert last.outcome.kind == "spent" and last.gather == 0
    assert line.keyed(RU, LINE, state.digits).outcome.kind == "no_pending", "spent: the right digits come too late"
    with pytest.raises(StepRefused, match="number_blocked"):
        phones.start_inbound(POLICY, "cloud", "u1", RU, "10.0.0.1")


def test_a_call_after_the_code_expired_verifies_nothing(env):
    phones, line, _, clock, _ = env
    state = _start(phones)
    clock.advance(POLICY.code_lifetime + 1)
    assert line.keyed(RU, LINE, state.digits).outcome.kind == "no_pending"


def test_a_number_held_by_enough_accounts_is_refused_on_the_call(env):
    phones, line, *_ = env
    first = _start(phones, "u1")
    second = _start(phones, "u2")  # one phone starting two sign-ups: the digits pick which
    assert line.keyed(RU, LINE, second.digits).outcome.kind == "verified"
    assert phones.confirm_inbound(POLICY, "cloud", "u2") == RU
    assert line.keyed(RU, LINE, first.digits).outcome.kind == "taken", "one account per number"
    with pytest.raises(StepRefused, match="call_not_received"):
        phones.confirm_inbound(POLICY, "cloud", "u1")
