"""The tenant's onboarding settings: one model per step kind, validated when `idp validate` reads the
YAML, published on the realm by `idp apply` (as JSON, defaults filled in) and parsed with these same
models by the service, which therefore never repeats a default or a limit."""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

import phonenumbers
from babel.numbers import list_currencies
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from contract.durations import Duration


class Strict(BaseModel):
    """Unknown keys are errors, so a typo never silently does nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class EmailCodeStep(Strict):
    """Email verified by a code in AAA-AAA form instead of Keycloak's link (seed 003)."""

    kind: Literal["email_code"]
    code_lifetime: Duration = Field(900, ge=60, le=3600)
    attempts: int = Field(5, ge=1, le=10)
    resend_cooldown: Duration = Field(60, ge=10)


class AccountDetailsStep(Strict):
    """Country and personal/business account; business needs company and tax id (seed 003)."""

    kind: Literal["account_details"]
    countries: list[str] = Field(default_factory=list)
    business_accounts: bool = True


class PhoneDailyLimits(Strict):
    """Codes sent per UTC day, against SMS pumping: per number, user, client IP, number prefix,
    country, and for the whole tenant (the log warns at 80% of it)."""

    per_number: int = Field(5, ge=1, le=100)
    per_user: int = Field(10, ge=1, le=100)
    per_ip: int = Field(20, ge=1, le=10000)
    per_prefix: int = Field(50, ge=1, le=100000)
    per_country: int = Field(2000, ge=1, le=10_000_000)
    per_tenant: int = Field(5000, ge=1, le=10_000_000)
    prefix_digits: int = Field(7, ge=4, le=12)


# Where a tenant that lists no countries accepts phone numbers: markets with ordinary SMS and voice
# rates. Not the whole world: SMS/voice pumping targets expensive destinations. A tenant widens it by
# listing its own `allowed_countries`.
DEFAULT_PHONE_COUNTRIES = (
    "RU", "KZ", "BY", "AM", "US", "CA", "GB", "IE", "DE", "AT", "CH", "FR", "BE", "NL", "LU", "ES", "PT", "IT",
    "DK", "SE", "NO", "FI", "IS", "PL", "CZ", "SK", "EE", "LV", "LT", "AU", "NZ", "JP", "KR", "IL",
)


def _phone_countries(codes: list[str]) -> list[str]:
    unknown = [c for c in codes if not (len(c) == 2 and c.isupper() and phonenumbers.country_code_for_region(c))]
    if unknown:
        raise ValueError(f"not ISO 3166 country codes with a phone numbering plan: {', '.join(unknown)} "
                         f"(write them as two capital letters, e.g. RU, DE)")
    return codes


def _support_url(url: str | None) -> str | None:
    if url is not None and not re.match(r"^(https?://[^\s/]+\S*|mailto:[^\s@]+@[^\s@]+)$", url):
        raise ValueError("must be an https://, http:// or mailto: link")
    return url


def international_e164(raw: str | None) -> str | None:
    """A number written in international format (+7 999 ...) as E.164, whatever a tenant's rules (the
    platform's call number, a caller ID, a number support names), or None when it is not one."""
    try:
        parsed = phonenumbers.parse((raw or "").strip(), None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _call_number(number: str | None) -> str | None:
    """The platform's number users call, in E.164 (the voice line compares caller and called numbers
    normalized the same way)."""
    if number is None:
        return None
    e164 = international_e164(number)
    if e164 is None or not phonenumbers.is_valid_number(phonenumbers.parse(e164)):
        raise ValueError(f"{number!r} is not a phone number in international format (write it like +74951234567)")
    return e164


class PhoneStep(Strict):
    """Phone verification by SMS, by a robot call to the user, or by the user's call to the platform
    keying in digits the page shows (`inbound_call`, seed 002; caller ID proves the number)."""

    kind: Literal["phone"]
    allowed_countries: Annotated[list[str], AfterValidator(_phone_countries)] = Field(
        default_factory=lambda: list(DEFAULT_PHONE_COUNTRIES), min_length=1)
    channel: Literal["sms", "voice", "inbound_call"] = "sms"
    # inbound_call only: the number users call (a number of the voice provider's account, routed to
    # the service's voice webhook).
    call_number: Annotated[str | None, AfterValidator(_call_number)] = None
    # Voice only: also call fixed-line numbers (mobile numbers are always accepted; premium-rate,
    # shared-cost, toll-free and VoIP numbers never are).
    fixed_line_for_voice: bool = False
    code_length: int = Field(4, ge=4, le=8)
    code_lifetime: Duration = Field(300, ge=60, le=600)
    attempts_per_code: int = Field(3, ge=1, le=10)
    resend_cooldown: Duration = Field(60, ge=10, le=600)
    accounts_per_number: Literal[1, 2] = 1
    support_url: Annotated[str | None, AfterValidator(_support_url)] = None
    daily_limits: PhoneDailyLimits = Field(default_factory=PhoneDailyLimits)

    @model_validator(mode="after")
    def _fixed_line_needs_voice(self) -> PhoneStep:
        if self.fixed_line_for_voice and self.channel == "sms":
            raise ValueError("fixed_line_for_voice needs channel: voice or inbound_call (fixed lines cannot receive "
                             "SMS)")
        return self

    @model_validator(mode="after")
    def _inbound_call_needs_a_number(self) -> PhoneStep:
        if (self.channel == "inbound_call") != (self.call_number is not None):
            raise ValueError("channel: inbound_call needs call_number, the number users call (e.g. +74951234567), "
                             "and only inbound_call uses one")
        return self


class CaptchaStep(Strict):
    """Self-hosted image captcha (with an audio alternative) instead of a phone check (seed 000)."""

    kind: Literal["captcha"]
    length: int = Field(5, ge=4, le=8)
    lifetime: Duration = Field(300, ge=60, le=900)  # one challenge; a new one comes by itself after
    attempts: int = Field(3, ge=1, le=10)  # per challenge
    challenges_per_day: int = Field(30, ge=5, le=500)  # per user: pictures and reloads


class OrganizationStep(Strict):
    """The account's name and its first project's name, asked after sign-up (seed 001). Needs the
    tenant's accounts section; set `accounts.default_project: null` so no project is made unasked."""

    kind: Literal["organization"]
    project: bool = True  # also ask for the first project's name


def _currency(code: str) -> str:
    if code not in list_currencies():
        raise ValueError(f"{code!r} is not an ISO 4217 currency code (e.g. RUB, EUR, USD)")
    return code


class AutoTopUp(Strict):
    """What the card step offers for automatic top-ups, in whole units of the step's currency (seed
    004: the amount from 100 to 20,000, topped up when the balance falls to a threshold from 0 to
    9,999,999). The user chooses within these bounds, then or later; billing reads the choice."""

    offered: bool = True
    min_amount: int = Field(100, ge=1, le=10_000_000)
    max_amount: int = Field(20_000, ge=1, le=10_000_000)
    max_threshold: int = Field(9_999_999, ge=0, le=1_000_000_000)

    @model_validator(mode="before")
    @classmethod
    def _on_or_off(cls, data: object) -> object:
        return {"offered": data} if isinstance(data, bool) else data  # `auto_top_up: false` reads naturally

    @model_validator(mode="after")
    def _bounds_in_order(self) -> AutoTopUp:
        if self.min_amount > self.max_amount:
            raise ValueError(f"min_amount ({self.min_amount}) is above max_amount ({self.max_amount})")
        return self


class CardStep(Strict):
    """Payment card binding with a test charge credited to the balance (seeds 002, 004)."""

    kind: Literal["card"]
    # Seed 004: some accounts skip the card (e.g. business accounts paying by invoice).
    account_types: list[Literal["personal", "business"]] = Field(
        default_factory=lambda: ["personal", "business"], min_length=1)
    currency: Annotated[str, AfterValidator(_currency)] = "RUB"
    test_charge: int = Field(1, ge=0, le=500)  # whole units of the currency; 0: the card is only checked
    refund_test_charge: bool = False  # credited to the balance unless refunded (seed 002: refund via support)
    allow_virtual_cards: bool = False
    allow_prepaid_cards: bool = True
    auto_top_up: AutoTopUp = Field(default_factory=AutoTopUp)


class SignupBonus(Strict):
    """Credited to the balance once, when the user completes onboarding (seed 004)."""

    amount: int = Field(ge=1, le=1_000_000)  # whole units of the currency
    currency: Annotated[str, AfterValidator(_currency)] = "RUB"


Step = Annotated[EmailCodeStep | AccountDetailsStep | PhoneStep | CaptchaStep | CardStep | OrganizationStep,
                 Field(discriminator="kind")]


class Onboarding(Strict):
    """The tenant's onboarding steps, in order, and whether they block sign-in."""

    enforce: Literal["login", "actions"] = "login"
    steps: list[Step] = Field(default_factory=list)
    signup_bonus: SignupBonus | None = None
    # Steps a user who arrives by invitation skips (seed 003): e.g. [phone, card]; their email is
    # verified by the invitation link already.
    skip_when_invited: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_kinds(self) -> Onboarding:
        kinds = [step.kind for step in self.steps]
        duplicates = sorted({k for k in kinds if kinds.count(k) > 1})
        if duplicates:
            raise ValueError(f"each step may appear once; repeated: {', '.join(duplicates)}")
        unknown = [k for k in self.skip_when_invited if k not in kinds]
        if unknown:
            raise ValueError(f"skip_when_invited names steps this tenant does not have: {', '.join(unknown)}; "
                             f"its steps: {', '.join(kinds) or 'none'}")
        return self


# Every step kind and its settings model: the one list of kinds (the loader, the service's registry
# and its validation ask this, never a list of their own).
STEP_MODELS: dict[str, type[Strict]] = {
    get_args(model.model_fields["kind"].annotation)[0]: model
    for model in (EmailCodeStep, AccountDetailsStep, PhoneStep, CaptchaStep, CardStep, OrganizationStep)
}
