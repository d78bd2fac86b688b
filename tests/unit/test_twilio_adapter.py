"""The real SMS/voice adapter speaks Twilio's REST API (here against a local stand-in of that API,
since Twilio itself cannot be reached from this machine)."""

from __future__ import annotations

import base64
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import pytest

from webhooks.phone.sms import DeliveryFailed, TwilioSms


@pytest.fixture
def twilio():
    received: list[dict] = []
    status = {"code": 201}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append({"path": self.path, "auth": self.headers["Authorization"], "form": parse_qs(body)})
            self.send_response(status["code"])
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"sid": "SM1"}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", received, status
    server.shutdown()


def test_sms_goes_to_the_messages_resource_with_basic_auth(twilio):
    url, received, _ = twilio
    TwilioSms("AC123", "token", "+15005550006", base_url=url).send("+79991234567", "Your code: 1234", "sms")
    [request] = received
    assert request["path"] == "/2010-04-01/Accounts/AC123/Messages.json"
    assert request["auth"] == "Basic " + base64.b64encode(b"AC123:token").decode()
    assert request["form"] == {"To": ["+79991234567"], "From": ["+15005550006"], "Body": ["Your code: 1234"]}


def test_voice_places_a_call_that_says_the_code(twilio):
    url, received, _ = twilio
    TwilioSms("AC123", "token", "+15005550006", base_url=url).send("+79991234567", "Code 1 2 3 4 <&>", "voice")
    [request] = received
    assert request["path"].endswith("/Calls.json")
    assert request["form"]["Twiml"] == ['<Response><Say loop="2">Code 1 2 3 4 &lt;&amp;&gt;</Say></Response>']


def test_a_refusal_is_reported_without_the_number(twilio):
    url, _, status = twilio
    status["code"] = 400
    with pytest.raises(DeliveryFailed) as caught:
        TwilioSms("AC123", "token", "+15005550006", base_url=url).send("+79991234567", "x", "sms")
    assert "+79991234567" not in caught.value.message
