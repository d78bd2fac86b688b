"""A tenant's phone rules, and parsing what a user typed into an E.164 number the channel can reach."""

from __future__ import annotations

from dataclasses import dataclass, field

import phonenumbers
from phonenumbers import PhoneNumberType

from webhooks.step_errors import StepRefused

# Numbers that can receive an SMS or a robot call. Premium-rate, shared-cost, toll-free, VoIP,
# personal, pager, UAN and voicemail numbers are what SMS/voice pumping uses; they are refused.
MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
SAFE_SUPPORT_SCHEMES = ("https://", "http://", "mailto:")


@dataclass(frozen=True)
class DailyLimits:
    per_number: int = 5
    per_user: int = 10
    per_ip: int = 20
    per_prefix: int = 50
    per_country: int = 2000
    per_tenant: int = 5000
    prefix_digits: int = 7


@dataclass(frozen=True)
class PhonePolicy:
    """The phone step's options as `idp apply` published them (validated there)."""

    allowed_countries: tuple[str, ...] = ()
    channel: str = "sms"
    fixed_line_for_voice: bool = False
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
        keys = {"channel", "fixed_line_for_voice", "code_length", "code_lifetime", "attempts_per_code",
                "resend_cooldown", "accounts_per_number", "support_url"}
        policy = cls(allowed_countries=tuple(step.get("allowed_countries") or ()), daily_limits=limits,
                     **{k: step[k] for k in keys if k in step})
        # `idp validate` refuses other schemes; a realm attribute edited by hand must not put a
        # javascript: link on the page either.
        if policy.support_url and not policy.support_url.lower().startswith(SAFE_SUPPORT_SCHEMES):
            policy = cls(**{**policy.__dict__, "support_url": None})
        return policy

    def reachable_types(self) -> frozenset[int]:
        """Number types the channel can reach."""
        if self.channel == "voice" and self.fixed_line_for_voice:
            return MOBILE_TYPES | {PhoneNumberType.FIXED_LINE}
        return MOBILE_TYPES


@dataclass(frozen=True)
class ParsedNumber:
    e164: str
    country: str


def parse_number(raw: str, policy: PhonePolicy, default_region: str | None = None) -> ParsedNumber:
    """E.164 form and country of a number typed in any common way; refuses invalid numbers, numbers of
    countries the tenant does not accept and numbers the channel cannot (or must not) reach."""
    text = (raw or "").strip()
    if not text:
        raise StepRefused("phone.number_required")
    if len(text) > 32:
        raise StepRefused("phone.invalid_number")
    if not policy.allowed_countries:
        # Fail closed: the published settings always list countries; none means they are broken.
        raise StepRefused("phone.no_countries")
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
    if phonenumbers.number_type(number) not in policy.reachable_types():
        raise StepRefused(f"phone.not_reachable_{policy.channel}")
    return ParsedNumber(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), country)


def mask(e164: str) -> str:
    """A number for logs: country code and last two digits only."""
    return e164[:3] + "*" * max(0, len(e164) - 5) + e164[-2:]
