"""The platform's voice line for inbound-call verification (seed 002): what it says to a caller and
whether it asks for digits. The real adapter (Twilio's voice webhook, webhooks/voice/) and the dev
sink's "call from this number" form both go through it, so they behave alike. No Flask."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contract.onboarding import PhoneStep
from webhooks.onboarding.i18n import translate
from webhooks.phone.service import CallOutcome, PhoneService


@dataclass(frozen=True)
class Reply:
    outcome: CallOutcome
    say: str
    language: str
    gather: int  # digits to ask for next; 0: say and hang up


class VoiceLine:
    def __init__(self, phones: PhoneService, policy_of: Callable[[str], PhoneStep | None],
                 locale_of: Callable[[str], str]) -> None:
        self._phones, self._policy_of, self._locale_of = phones, policy_of, locale_of

    def answer(self, caller: str, called: str) -> Reply:
        """A call comes in: ask for the digits if something awaits this caller."""
        return self._reply(self._phones.answer_call(caller, called, None, self._policy_of))

    def keyed(self, caller: str, called: str, digits: str) -> Reply:
        """The caller keyed in digits."""
        return self._reply(self._phones.answer_call(caller, called, digits, self._policy_of))

    def _reply(self, outcome: CallOutcome) -> Reply:
        language = self._locale_of(outcome.realm) if outcome.realm else "en"
        key = {"ask": "enter_digits", "wrong": "wrong"}.get(outcome.kind, outcome.kind)
        again = outcome.kind == "ask" or (outcome.kind == "wrong" and outcome.attempts_left > 0)
        return Reply(outcome, translate(language, f"phone.voice_{key}"), language, outcome.length if again else 0)
