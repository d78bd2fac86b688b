"""Twilio's voice webhooks for inbound-call verification: only requests signed with the account's auth
token are heard; a call is asked for the digits with <Gather>, and the right digits from the entered
number verify it (the voice line itself is tested in test_inbound_call.py)."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from tests.unit.test_inbound_call import LINE, POLICY, RU
from webhooks import create_app
from webhooks.code_store import CodeStore
from webhooks.config import ServiceConfig
from webhooks.phone.service import PhoneService
from webhooks.phone.voice_line import VoiceLine
from webhooks.sealing import Sealer

TOKEN = "twilio-auth-token-0123456789"
PUBLIC = "https://id.example.com"


@pytest.fixture
def voice(tmp_path):
    app = create_app(ServiceConfig(database_url=f"sqlite:///{tmp_path / 's.db'}", port=0, smtp_port=0,
                                   dev_inbox=False, sms_provider="twilio", twilio_account_sid="AC1",
                                   twilio_auth_token=TOKEN, twilio_from="+15005550006", public_url=PUBLIC),
                     migrate=True)
    phones = PhoneService(app.extensions["db_sessions"], None, CodeStore("phone", b"pepper" * 6),
                          sealer=Sealer(b"k" * 32))
    app.extensions["voice_line"] = VoiceLine(phones, lambda realm: POLICY, lambda realm: "ru")
    return app.test_client(), phones


def _post(client, path: str, form: dict, token: str = TOKEN):
    signature = RequestValidator(token).compute_signature(PUBLIC + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def test_an_unsigned_or_wrongly_signed_call_is_refused(voice):
    client, _ = voice
    form = {"From": RU, "To": LINE, "CallSid": "CA1"}
    assert client.post("/voice/twilio/inbound", data=form).status_code == 403
    assert _post(client, "/voice/twilio/inbound", form, token="someone-else").status_code == 403


def test_a_signed_call_is_asked_for_the_digits_and_the_right_ones_verify(voice):
    client, phones = voice
    phones.start_inbound(POLICY, "cloud", "u1", RU, "10.0.0.1")
    digits = phones.state(POLICY, "cloud", "u1").digits
    asked = _post(client, "/voice/twilio/inbound", {"From": RU, "To": LINE, "CallSid": "CA1"})
    assert asked.status_code == 200 and asked.mimetype == "application/xml"
    body = asked.get_data(as_text=True)
    assert f'numDigits="{len(digits)}"' in body and 'action="/voice/twilio/digits"' in body
    assert 'language="ru-RU"' in body and "Наберите цифры" in body
    done = _post(client, "/voice/twilio/digits", {"From": RU, "To": LINE, "CallSid": "CA1", "Digits": digits})
    assert "номер подтверждён" in done.get_data(as_text=True) and "<Gather" not in done.get_data(as_text=True)
    assert phones.confirm_inbound(POLICY, "cloud", "u1") == RU


def test_a_call_nobody_awaits_hears_so_and_is_hung_up(voice):
    client, _ = voice
    answer = _post(client, "/voice/twilio/inbound", {"From": "+79990000000", "To": LINE, "CallSid": "CA2"})
    assert "No confirmation is waiting" in answer.get_data(as_text=True) and "<Hangup" in answer.get_data(as_text=True)
