"""Email code step: AAA-AAA codes by email (real SMTP sink), cooldown, attempts, expiry."""

from __future__ import annotations

import re

import pytest

from contract.onboarding import EmailCodeStep
from tests.support.clock import Clock
from tests.support.net import free_port
from webhooks.code_store import CodeStore
from webhooks.devinbox.repository import DevInboxRepository
from webhooks.devinbox.smtp_sink import start_smtp_sink
from webhooks.email_code.service import EmailCodeService
from webhooks.mailer import Mailer
from webhooks.step_errors import StepRefused

EMAIL = "ann@example.test"


@pytest.fixture
def env(sessions):
    inbox = DevInboxRepository(sessions)
    port = free_port()
    sink = start_smtp_sink(inbox, port)
    clock = Clock()
    mailer = Mailer("127.0.0.1", port, "no-reply@idp.localhost")
    yield EmailCodeService(sessions, mailer, CodeStore("email", b"k" * 32), clock), inbox, clock
    sink.stop()


def _send(service, options: EmailCodeStep | None = None):
    service.send(options or EmailCodeStep(kind="email_code"), "console", "u1", EMAIL,
                 lambda code: ("Your code", f"Code: {code}"))


def _code(inbox) -> str:
    return re.search(r"[A-Z]{3}-[A-Z]{3}", inbox.list(EMAIL)[0].text_body).group(0)


def test_code_has_the_aaa_aaa_form_and_confirms_the_address(env):
    service, inbox, _ = env
    _send(service)
    code = _code(inbox)
    assert re.fullmatch(r"[A-HJ-NP-Z]{3}-[A-HJ-NP-Z]{3}", code)
    assert service.verify("console", "u1", code.lower().replace("-", "")) == EMAIL, "case and dash are forgiven"


def test_resend_has_a_cooldown_and_replaces_the_code(env):
    service, inbox, clock = env
    _send(service)
    first = _code(inbox)
    with pytest.raises(StepRefused, match=r"email\.resend_too_soon"):
        _send(service)
    clock.advance(60)
    _send(service)
    second = _code(inbox)
    if second != first:
        with pytest.raises(StepRefused, match=r"email\.wrong_code"):
            service.verify("console", "u1", first)
    assert service.verify("console", "u1", second) == EMAIL


def test_attempts_are_limited_and_codes_expire(env):
    service, inbox, clock = env
    options = EmailCodeStep(kind="email_code", attempts=2, code_lifetime=600)
    _send(service, options)
    with pytest.raises(StepRefused, match=r"email\.wrong_code"):
        service.verify("console", "u1", "AAA-AAA" if _code(inbox) != "AAA-AAA" else "BBB-BBB")
    with pytest.raises(StepRefused, match=r"email\.attempts_spent"):
        service.verify("console", "u1", "AAA-AAA" if _code(inbox) != "AAA-AAA" else "BBB-BBB")
    clock.advance(61)
    _send(service, options)
    clock.advance(601)
    with pytest.raises(StepRefused, match=r"email\.code_expired"):
        service.verify("console", "u1", _code(inbox))
