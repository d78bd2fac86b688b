"""A tenant's phone rules, and parsing what a user typed into an E.164 number."""

from __future__ import annotations

from dataclasses import dataclass, field

import phonenumbers

from webhooks.step_errors import StepRefused


@dataclass(frozen=True)
class DailyLimits:
    per_number: int = 5
    per_user: int = 10
    per_ip: int = 20
    per_prefix: int = 50
    per_country: int = 2000
    prefix_digits: int = 7


@dataclass(frozen=True)
class PhonePolicy:
    """The phone step's options as `idp apply` published them (validated there)."""

    allowed_countries: tuple[str, ...] = ()
    channel: str = "sms"
    code_length: int = 4
    code_lifetime: int = 300
    attempts_per_code: int = 3
    resend_cooldown: int = 60
    accounts_per_number: int = 1
    support_url: str | None = None
    daily_limits: DailyLimits = field(default_factory=DailyLimits)

    @classmethod
    def from_step(cls, step: dict) -> PhonePolicy:
        limits = DailyLimits(**(step.get("daily_limits") or {}))
        keys = {"channel", "code_length", "code_lifetime", "attempts_per_code", "resend_cooldown",
                "accounts_per_number", "support_url"}
        return cls(allowed_countries=tuple(step.get("allowed_countries") or ()), daily_limits=limits,
                   **{k: step[k] for k in keys if k in step})


@dataclass(frozen=True)
class ParsedNumber:
    e164: str
    country: str


def parse_number(raw: str, policy: PhonePolicy, default_region: str | None = None) -> ParsedNumber:
    """E.164 form and country of a number typed in any common way; refuses invalid or disallowed ones."""
    text = (raw or "").strip()
    if not text:
        raise StepRefused("phone.number_required")
    region = default_region or (policy.allowed_countries[0] if policy.allowed_countries else None)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise StepRefused("phone.invalid_number") from exc
    if not phonenumbers.is_valid_number(number):
        raise StepRefused("phone.invalid_number")
    country = phonenumbers.region_code_for_number(number) or ""
    if policy.allowed_countries and country not in policy.allowed_countries:
        codes = ", ".join(f"+{phonenumbers.country_code_for_region(c)}" for c in policy.allowed_countries)
        raise StepRefused("phone.country_not_allowed", allowed=codes)
    return ParsedNumber(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), country)


def mask(e164: str) -> str:
    """A number for logs: country code and last two digits only."""
    return e164[:3] + "*" * max(0, len(e164) - 5) + e164[-2:]
