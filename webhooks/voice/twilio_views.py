"""Twilio's voice webhooks for the platform's inbound number (seed 002): a call comes in, the line
asks for the digits with <Gather>, the digits come back. Every request must carry Twilio's signature
(X-Twilio-Signature, HMAC-SHA1 with the account's auth token over the public URL and the form), so
nobody else can claim a caller ID. Registered only with IDP_SERVICE_SMS_PROVIDER=twilio."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request, url_for
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Gather, VoiceResponse

from webhooks.onboarding.i18n import translate
from webhooks.phone.voice_line import Reply, VoiceLine

bp = Blueprint("twilio_voice", __name__, url_prefix="/voice/twilio")
LANGUAGES = {"en": "en-US", "ru": "ru-RU"}


@bp.before_request
def _signed() -> Response | None:
    """Every request of the blueprint: refused unless Twilio signed it."""
    config = current_app.config["SERVICE"]
    # Twilio signs the URL it called: the service's public address, not what a proxy forwarded.
    url = config.public_url.rstrip("/") + request.full_path.rstrip("?")
    if RequestValidator(config.twilio_auth_token).validate(url, request.form.to_dict(),
                                                           request.headers.get("X-Twilio-Signature", "")):
        return None
    return Response("signature required", status=403)


def _twiml(reply: Reply) -> Response:
    language = LANGUAGES.get(reply.language, "en-US")
    answer = VoiceResponse()
    if reply.gather:
        gather = Gather(num_digits=reply.gather, input="dtmf", timeout=15, method="POST",
                        action=url_for("twilio_voice.digits"))
        gather.say(reply.say, language=language)
        answer.append(gather)
        answer.say(translate(reply.language, "phone.voice_no_digits"), language=language)
    else:
        answer.say(reply.say, language=language)
    answer.hangup()
    return Response(str(answer), mimetype="application/xml")


def _line() -> VoiceLine:
    return current_app.extensions["voice_line"]


@bp.post("/inbound")
def inbound():
    return _twiml(_line().answer(request.form.get("From", ""), request.form.get("To", "")))


@bp.post("/digits")
def digits():
    return _twiml(_line().keyed(request.form.get("From", ""), request.form.get("To", ""),
                                request.form.get("Digits", "")))
