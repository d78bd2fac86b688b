"""Captcha rules on the service with a controllable clock: right, wrong, reused, expired, attempts
spent, a daily number of pictures, and a challenge that belongs to one flow only."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from contract.onboarding import CaptchaStep
from tests.support.clock import Clock
from tests.support.stored_codes import assert_kept_only_hashed_and_sealed
from webhooks.captcha.service import ALPHABET, CaptchaService
from webhooks.code_store import CodeStore, OneTimeCode
from webhooks.step_errors import StepRefused

SETTINGS = CaptchaStep(kind="captcha", length=5, lifetime=300, attempts=3, challenges_per_day=5)


@pytest.fixture
def env(sessions):
    answers: list[str] = []
    clock = Clock()
    service = CaptchaService(sessions, CodeStore("captcha", b"p" * 32), b"k" * 32,
                             reveal=lambda realm, user, answer: answers.append(answer), clock=clock)
    return service, answers, clock, sessions


def _refusal(call) -> str:
    with pytest.raises(StepRefused) as caught:
        call()
    return caught.value.key


def test_the_right_answer_passes_once_in_any_case(env):
    service, answers, _, _ = env
    challenge = service.current(SETTINGS, "paas", "u1", "flow-1")
    assert len(answers[-1]) == 5 and set(answers[-1]) <= set(ALPHABET)
    service.answer("paas", "u1", "flow-1", challenge.id, f" {answers[-1].lower()} ")
    assert _refusal(lambda: service.answer("paas", "u1", "flow-1", challenge.id, answers[-1])) == \
        "captcha.no_code_sent", "reused"
    assert service.current(SETTINGS, "paas", "u1", "flow-1").id != challenge.id, "a used picture is replaced"


def test_wrong_answers_spend_the_attempts_then_a_new_picture_comes(env):
    service, answers, _, _ = env
    challenge = service.current(SETTINGS, "paas", "u1", "flow-1")
    wrong = "X" * 5 if answers[-1] != "X" * 5 else "Y" * 5
    assert _refusal(lambda: service.answer("paas", "u1", "flow-1", challenge.id, wrong)) == "captcha.wrong_code"
    assert _refusal(lambda: service.answer("paas", "u1", "flow-1", challenge.id, wrong)) == "captcha.wrong_code"
    assert _refusal(lambda: service.answer("paas", "u1", "flow-1", challenge.id, wrong)) == "captcha.attempts_spent"
    assert _refusal(lambda: service.answer("paas", "u1", "flow-1", challenge.id, answers[-1])) == \
        "captcha.attempts_spent", "the right answer after the attempts is refused"
    assert service.picture("paas", "u1", "flow-1", challenge.id) is None
    assert service.current(SETTINGS, "paas", "u1", "flow-1").id != challenge.id


def test_an_expired_picture_is_refused_and_replaced(env):
    service, answers, clock, _ = env
    challenge = service.current(SETTINGS, "paas", "u1", "flow-1")
    clock.advance(301)
    assert _refusal(lambda: service.answer("paas", "u1", "flow-1", challenge.id, answers[-1])) == \
        "captcha.code_expired"
    assert service.current(SETTINGS, "paas", "u1", "flow-1").id != challenge.id


def test_a_challenge_belongs_to_its_flow_and_user(env):
    service, answers, _, _ = env
    challenge = service.current(SETTINGS, "paas", "u1", "flow-1")
    assert _refusal(lambda: service.answer("paas", "u2", "flow-1", challenge.id, answers[-1])) == \
        "captcha.no_code_sent"
    assert _refusal(lambda: service.answer("paas", "u1", "flow-2", challenge.id, answers[-1])) == \
        "captcha.no_code_sent"
    assert service.picture("paas", "u1", "flow-2", challenge.id) is None


def test_pictures_and_sounds_are_drawn_from_the_sealed_answer_which_is_stored_nowhere_in_clear(env):
    service, answers, _, sessions = env
    challenge = service.current(SETTINGS, "paas", "u1", "flow-1")
    assert service.picture("paas", "u1", "flow-1", challenge.id).startswith(b"\x89PNG")
    assert service.sound("paas", "u1", "flow-1", challenge.id)[:4] == b"RIFF"
    with sessions() as session:
        stored = session.scalar(select(OneTimeCode))
    assert_kept_only_hashed_and_sealed(answers[-1], stored)


def test_a_user_gets_a_limited_number_of_pictures_a_day(env):
    service, _, clock, _ = env
    for _ in range(5):
        service.issue(SETTINGS, "paas", "u1", "flow-1")
    assert _refusal(lambda: service.issue(SETTINGS, "paas", "u1", "flow-1")) == "captcha.too_many"
    clock.advance(86400)
    service.issue(SETTINGS, "paas", "u1", "flow-1")
