"""Phone verification rules one by one, on the service with a controllable clock and the dev sink."""

from __future__ import annotations

import logging
import re

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from contract.onboarding import PhoneDailyLimits, PhoneStep
from tests.support.clock import Clock
from webhooks.code_store import CodeStore, OneTimeCode
from webhooks.devinbox.repository import DevInboxRepository
from webhooks.devinbox.sms_sink import DevSinkSms
from webhooks.phone.phone_policy import parse_number
from webhooks.phone.service import PhoneService
from webhooks.step_errors import StepRefused

RU = "+79991234567"


def _policy(**options) -> PhoneStep:
    return PhoneStep(kind="phone", allowed_countries=["RU"], **options)


@pytest.fixture
def env(sessions):
    inbox = DevInboxRepository(sessions)
    clock = Clock()
    return PhoneService(sessions, DevSinkSms(inbox), CodeStore("phone", b"pepper" * 6), clock), inbox, clock, sessions


def _send(service, policy, user="u1", number=RU, ip="10.0.0.1"):
    return service.send_code(policy, "cloud", user, number, ip, lambda code: f"Your code: {code}")


def _last_code(inbox, number=RU) -> str:
    return re.search(r"\d{4,8}", inbox.list(number)[0].text_body).group(0)


def test_numbers_are_parsed_to_e164_from_common_spellings():
    policy = _policy()
    for spelling in ("+7 999 123-45-67", "8 (999) 123 45 67", "+79991234567", "9991234567"):
        assert parse_number(spelling, policy).e164 == RU
    with pytest.raises(StepRefused, match=r"phone\.invalid_number"):
        parse_number("+7 12", policy)


def test_a_disallowed_country_is_refused_naming_the_allowed_prefix(env):
    service, *_ = env
    with pytest.raises(StepRefused) as caught:
        _send(service, _policy(), number="+49 30 901820")
    assert caught.value.key == "phone.country_not_allowed" and caught.value.params["allowed"] == "+7"


def test_right_code_verifies_and_the_code_is_stored_only_hashed(env):
    service, inbox, _, sessions = env
    policy = _policy()
    _send(service, policy)
    code = _last_code(inbox)
    assert len(code) == 4
    with sessions() as session:
        stored = session.scalar(select(OneTimeCode))
        assert code not in (stored.code_hash, stored.id) and len(stored.code_hash) == 64
    assert service.verify(policy, "cloud", "u1", code) == RU
    assert service.state(policy, "cloud", "u1").verified_number == RU


def test_wrong_code_until_attempts_run_out_then_another_number_is_needed(env):
    service, inbox, _, _ = env
    policy = _policy(attempts_per_code=3)
    _send(service, policy)
    wrong = "0000" if _last_code(inbox) != "0000" else "1111"
    for left in (2, 1):
        with pytest.raises(StepRefused) as caught:
            service.verify(policy, "cloud", "u1", wrong)
        assert caught.value.key == "phone.wrong_code" and caught.value.params["attempts_left"] == left
    with pytest.raises(StepRefused, match=r"phone\.attempts_spent"):
        service.verify(policy, "cloud", "u1", wrong)
    with pytest.raises(StepRefused, match=r"phone\.attempts_spent"):
        service.verify(policy, "cloud", "u1", _last_code(inbox))  # even the right code is too late now
    with pytest.raises(StepRefused, match=r"phone\.number_blocked"):
        _send(service, policy)
    _send(service, policy, number="+79991234568")  # another number works


def test_resend_inside_the_cooldown_is_refused_with_the_seconds_left(env):
    service, _, clock, _ = env
    policy = _policy(resend_cooldown=60)
    _send(service, policy)
    clock.advance(45)
    with pytest.raises(StepRefused) as caught:
        _send(service, policy)
    assert caught.value.key == "phone.resend_too_soon" and caught.value.params["seconds"] == 15
    assert service.state(policy, "cloud", "u1").resend_in == 15
    clock.advance(15)
    _send(service, policy)


def test_an_expired_code_is_refused(env):
    service, inbox, clock, _ = env
    policy = _policy(code_lifetime=300)
    _send(service, policy)
    clock.advance(301)
    with pytest.raises(StepRefused, match=r"phone\.code_expired"):
        service.verify(policy, "cloud", "u1", _last_code(inbox))


@pytest.mark.parametrize("holders", [1, 2])
def test_a_number_at_its_account_limit_is_refused(env, holders):
    service, inbox, _, _ = env
    policy = _policy(accounts_per_number=holders)
    for user in [f"holder-{i}" for i in range(holders)]:
        _send(service, policy, user=user)
        service.verify(policy, "cloud", user, _last_code(inbox))
    with pytest.raises(StepRefused, match=r"phone\.number_taken"):
        _send(service, policy, user="newcomer")


@pytest.mark.parametrize(("limits", "vary"), [
    (PhoneDailyLimits(per_number=2), {"user": ["a", "b", "c"]}),
    (PhoneDailyLimits(per_user=2), {"number": ["+79991234567", "+79991234568", "+79991234569"]}),
    (PhoneDailyLimits(per_ip=2), {"user": ["a", "b", "c"], "number": ["+79991234567", "+79991234568", "+79991234569"]}),
    (PhoneDailyLimits(per_prefix=2, prefix_digits=7),
     {"user": ["a", "b", "c"], "ip": ["1", "2", "3"], "number": ["+79991234567", "+79991234568", "+79991234569"]}),
    (PhoneDailyLimits(per_country=2),
     {"user": ["a", "b", "c"], "ip": ["1", "2", "3"], "number": ["+79991234567", "+79161234568", "+79031234569"]}),
])
def test_daily_send_limits_against_sms_pumping(env, limits, vary):
    service, _, clock, _ = env
    policy = _policy(daily_limits=limits, resend_cooldown=10)

    def attempt(i: int) -> None:
        args = {key: values[i] for key, values in vary.items()}
        _send(service, policy, **args)
        clock.advance(11)

    attempt(0)
    attempt(1)
    with pytest.raises(StepRefused, match=r"phone\.daily_limit"):
        attempt(2)
    clock.advance(86400)
    attempt(2)  # a day later the window has moved on


def test_voice_channel_puts_the_call_in_the_dev_inbox(env):
    service, inbox, _, _ = env
    policy = _policy(channel="voice")
    _send(service, policy)
    [message] = inbox.list(RU)
    assert message.channel == "voice"


def test_the_tenant_cap_warns_near_it_and_stops_at_it(env, caplog):
    service, _, _, _ = env
    policy = _policy(daily_limits=PhoneDailyLimits(per_tenant=5))
    with caplog.at_level(logging.WARNING, logger="webhooks.phone.service"):
        for i in range(5):
            _send(service, policy, user=f"u{i}", number=f"+7999123456{i}", ip=f"10.0.0.{i}")
        with pytest.raises(StepRefused, match=r"phone\.daily_limit"):
            _send(service, policy, user="u9", number="+79991234569", ip="10.0.0.9")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["phone: realm cloud has sent 4 of its 5 daily codes (80% of the cap); check for SMS/voice "
                        "pumping"]
    assert any("reached its daily cap of 5" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)


@pytest.mark.parametrize(("number", "channel", "fixed", "refusal"), [
    ("+449012345678", "sms", False, "phone.not_reachable_sms"),  # UK premium rate
    ("+448001234567", "voice", False, "phone.not_reachable_voice"),  # UK toll free
    ("+441212345678", "sms", False, "phone.not_reachable_sms"),  # UK fixed line
    ("+441212345678", "voice", False, "phone.not_reachable_voice"),
    ("+441212345678", "voice", True, None),
    ("+447400123456", "sms", False, None),  # UK mobile
])
def test_only_numbers_the_channel_can_reach_are_accepted(number, channel, fixed, refusal):
    policy = PhoneStep(kind="phone", allowed_countries=["GB"], channel=channel, fixed_line_for_voice=fixed)
    if refusal is None:
        assert parse_number(number, policy).e164 == number
    else:
        with pytest.raises(StepRefused, match=refusal.replace(".", r"\.")):
            parse_number(number, policy)


def test_settings_without_countries_or_with_an_unsafe_support_link_do_not_validate():
    """The service parses the published settings with the same model, so neither can reach a page."""
    with pytest.raises(ValidationError):
        PhoneStep(kind="phone", allowed_countries=[])
    with pytest.raises(ValidationError):
        PhoneStep(kind="phone", support_url="javascript:alert(1)")
    assert PhoneStep(kind="phone", support_url="mailto:help@x.example").support_url == "mailto:help@x.example"
