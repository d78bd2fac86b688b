"""Parsing what a user typed into an E.164 number the tenant accepts and its channel can reach. The
rules themselves (countries, channel, limits) are the tenant's PhoneStep settings (contract)."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

from contract.onboarding import PhoneStep
from webhooks.step_errors import StepRefused

# Numbers that can receive an SMS or a robot call. Premium-rate, shared-cost, toll-free, VoIP,
# personal, pager, UAN and voicemail numbers are what SMS/voice pumping uses; they are refused.
MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def reachable_types(settings: PhoneStep) -> frozenset[int]:
    """Number types the tenant's channel can reach."""
    if settings.channel != "sms" and settings.fixed_line_for_voice:
        return MOBILE_TYPES | {PhoneNumberType.FIXED_LINE}
    return MOBILE_TYPES


@dataclass(frozen=True)
class ParsedNumber:
    e164: str
    country: str


def parse_number(raw: str, policy: PhoneStep, default_region: str | None = None) -> ParsedNumber:
    """E.164 form and country of a number typed in any common way; refuses invalid numbers, numbers of
    countries the tenant does not accept and numbers the channel cannot (or must not) reach."""
    text = (raw or "").strip()
    if not text:
        raise StepRefused("phone.number_required")
    if len(text) > 32:
        raise StepRefused("phone.invalid_number")
    region = default_region if default_region in policy.allowed_countries else policy.allowed_countries[0]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise StepRefused("phone.invalid_number") from exc
    if not phonenumbers.is_valid_number(number):
        raise StepRefused("phone.invalid_number")
    country = phonenumbers.region_code_for_number(number) or ""
    if country not in policy.allowed_countries:
        codes = ", ".join(dict.fromkeys(f"+{phonenumbers.country_code_for_region(c)}"
                                        for c in policy.allowed_countries))
        raise StepRefused("phone.country_not_allowed", allowed=codes)
    if phonenumbers.number_type(number) not in reachable_types(policy):
        raise StepRefused(f"phone.not_reachable_{policy.channel}")
    return ParsedNumber(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), country)


def mask(e164: str) -> str:
    """A number for logs: country code and last two digits only."""
    return e164[:3] + "*" * max(0, len(e164) - 5) + e164[-2:]
