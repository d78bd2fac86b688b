"""The typed schema of a tenant: every key a tenant YAML may hold, with its limits."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from contract.accounts import Accounts
from contract.api_access import ApiAccess
from contract.directory import DirectoryEntry
from contract.durations import Duration
from contract.look import Look
from contract.names import SERVICE_API_ROLES
from contract.onboarding import (  # noqa: F401  (re-exported: the tenant schema in one place)
    DEFAULT_PHONE_COUNTRIES,
    AccountDetailsStep,
    CaptchaStep,
    CardStep,
    EmailCodeStep,
    Onboarding,
    OrganizationStep,
    PhoneDailyLimits,
    PhoneStep,
    Strict,
)

# realm-management roles the service's confidential client may be granted; nothing broader.
SERVICE_ROLES = ("view-users", "query-users", "manage-users", "view-events", "view-realm", "query-groups",
                 "manage-organizations")
# What the service uses: view-realm (the tenant's onboarding settings and name), view-users and
# manage-users (read a user, write the attributes a step sets), view-events (the reconciler),
# manage-organizations (accounts, their projects and who holds which role).
SERVICE_ROLES_USED = ("view-realm", "view-users", "manage-users", "view-events", "manage-organizations")
SUPPORTED_LOCALES = ("en", "ru")


def _exact_uri(uri: str) -> str:
    if "*" in uri:
        raise ValueError("wildcards are not allowed; list each redirect URI exactly")
    if not re.match(r"^https?://[^\s/]+(/\S*)?$", uri):
        raise ValueError(f"{uri!r} is not an absolute http(s) URI")
    return uri


ExactUri = Annotated[str, AfterValidator(_exact_uri)]


class Login(Strict):
    """What the hosted login and registration pages allow."""

    registration: bool = True
    email_as_username: bool = True
    login_with_email: bool = True
    unique_emails: bool = True
    verify_email: bool = True
    reset_password: bool = True
    remember_me: bool = False
    terms_and_conditions: bool = True
    # False: the form asks only for the email; the password is set after the activation link
    # (seed 000). True: email and password on one form (seeds 002, 004).
    password_on_registration: bool = True
    # With the password off the form (seed 000, "depending on the hosting provider"): `link`, the
    # welcome email's activation link leads to the password form; `generated_password`, the welcome
    # email carries a generated password to replace at the first sign-in.
    activation: Literal["link", "generated_password"] = "link"
    # First and last name on the registration form: required (Keycloak's default) or optional
    # (seed 002 asks only for email and password).
    names: Literal["required", "optional"] = "required"
    # The tenant's own terms of use and privacy policy, linked from the registration form's terms.
    terms_url: str | None = None
    privacy_url: str | None = None

    @field_validator("terms_url", "privacy_url")
    @classmethod
    def _page_url(cls, url: str | None) -> str | None:
        if url is None:
            return None
        if not re.match(r"^https?://[^\s/?#\"'<>]+(/[^\s\"'<>{}]*)?$", url):
            raise ValueError("must be the page's address, e.g. https://example.com/legal/terms")
        return url

    @model_validator(mode="after")
    def _generated_password_off_the_form(self) -> Login:
        if self.activation == "generated_password" and self.password_on_registration:
            raise ValueError("activation: generated_password sends the password by email, so the form must not ask "
                             "for one: set password_on_registration: false")
        return self

    @model_validator(mode="after")
    def _both_pages(self) -> Login:
        if (self.terms_url is None) != (self.privacy_url is None):
            raise ValueError("set both terms_url and privacy_url (the form links the two together), or neither")
        return self


class PasswordPolicy(Strict):
    """Password rules; each one has its own message on the registration page."""

    min_length: int = Field(8, ge=8, le=128)
    max_length: int = Field(64, ge=8, le=256)
    latin_upper: int = Field(1, ge=0, le=16)
    latin_lower: int = Field(1, ge=0, le=16)
    digit_or_symbol: int = Field(1, ge=0, le=16)
    only_allowed_characters: bool = True
    max_group_repeats: int | None = Field(2, ge=1, le=16)
    not_email: bool = True
    history: int = Field(0, ge=0, le=24)

    @model_validator(mode="after")
    def _lengths(self) -> PasswordPolicy:
        if self.max_length < self.min_length:
            raise ValueError("max_length must not be below min_length")
        return self


class EmailRules(Strict):
    """What an email address may look like and how long its verification link lives."""

    max_length: int = Field(320, ge=6, le=320)
    allow_plus: bool = False
    verification_link_lifetime: Duration = Field(86400, ge=300, le=30 * 86400)
    resend_cooldown: Duration = Field(60, ge=5, le=3600)


class BruteForce(Strict):
    """Lockout after repeated wrong passwords (Keycloak ships this off)."""

    enabled: bool = True
    failures_before_lockout: int = Field(5, ge=1, le=100)
    wait_increment: Duration = Field(60, ge=1)
    max_wait: Duration = Field(900, ge=1)
    failure_reset: Duration = Field(43200, ge=60)
    permanent_lockout: bool = False
    # Keycloak also locks for quick_login_wait when two failures come closer than this (ms); 0 turns
    # that speed check off so only failures_before_lockout counts. Keycloak's 1000 locked people who
    # retyped fast; nobody retypes a password in 200 ms, a script does.
    quick_login_check_ms: int = Field(200, ge=0, le=60000)
    quick_login_wait: Duration = Field(60, ge=1)
    # A locked account is told so and when to retry (instead of "Invalid username or password");
    # false keeps Keycloak's wording, which does not reveal that the account exists.
    tell_locked: bool = True


class Otp(Strict):
    """Authenticator app (TOTP) settings."""

    type: Literal["totp"] = "totp"
    digits: Literal[6, 8] = 6
    period: int = Field(30, ge=15, le=120)
    algorithm: Literal["HmacSHA1", "HmacSHA256", "HmacSHA512"] = "HmacSHA1"
    look_ahead: int = Field(1, ge=0, le=5)


class Sessions(Strict):
    """Session and token lifetimes."""

    idle: Duration = Field(1800, ge=60)
    max: Duration = Field(36000, ge=300)
    access_token: Duration = Field(300, ge=60, le=3600)
    offline_idle: Duration = Field(2592000, ge=3600)

    @model_validator(mode="after")
    def _order(self) -> Sessions:
        if self.idle > self.max:
            raise ValueError("idle must not exceed max")
        return self


class Events(Strict):
    """Stored login and admin events and how long Keycloak keeps them."""

    enabled: bool = True
    expiration: Duration = Field(30 * 86400, ge=3600)
    admin_events: bool = True
    admin_event_details: bool = True


class Smtp(Strict):
    """Where the realm sends email; secrets only as ${env:NAME}."""

    host: str
    port: int = Field(ge=1, le=65535)
    from_address: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    from_name: str = ""
    starttls: bool = False
    ssl: bool = False
    user: str | None = None
    password: str | None = None


class AppClient(Strict):
    """A relying app that signs users in: public, authorization code + PKCE S256."""

    client_id: str = Field(pattern=r"^[a-z][a-z0-9-]{1,62}$")
    name: str | None = None
    redirect_uris: list[ExactUri] = Field(min_length=1)
    post_logout_redirect_uris: list[ExactUri] = Field(default_factory=list)
    web_origins: list[str] = Field(default_factory=list)
    default_scopes: list[str] = Field(default_factory=lambda: ["phone"])


class ServiceClient(Strict):
    """The service's confidential client; its service account gets exactly these roles."""

    client_id: str = Field("idp-service", pattern=r"^[a-z][a-z0-9-]{1,62}$")
    # Empty: Keycloak generates one. Set it from ${env:...} so the service can use it; each realm's
    # client gets a secret derived from it and the realm name (see resources/clients.py).
    secret: str | None = Field(None, repr=False)
    roles: list[Literal[SERVICE_ROLES]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(SERVICE_ROLES_USED))
    # Where users reach the service's own pages (their balance): users sign in there through this
    # client (code + PKCE, redirect URIs exactly under this URL). Empty: no such pages for the tenant.
    portal_url: str | None = None

    @field_validator("portal_url")
    @classmethod
    def _portal_url(cls, url: str | None) -> str | None:
        if not url:
            return None
        if not re.match(r"^https?://[^\s/?#]+(/[^\s?#]*)?$", url):
            raise ValueError("must be the service's public URL, e.g. https://signup.example.com")
        return url.rstrip("/")


class MachineClient(Strict):
    """Another system of the provider (its billing) calling the service's API with client credentials:
    a confidential client whose tokens carry only these roles of the service's client."""

    client_id: str = Field(pattern=r"^[a-z][a-z0-9-]{1,62}$")
    name: str | None = None
    roles: list[Literal[SERVICE_API_ROLES]] = Field(min_length=1)  # type: ignore[valid-type]
    # Empty: Keycloak generates one (read it in the admin console under the client's Credentials).
    # Set from ${env:...} to hand the system a secret you manage; changing it rotates the client's.
    secret: str | None = Field(None, repr=False, min_length=32)

    @field_validator("secret", mode="before")
    @classmethod
    def _unset_when_empty(cls, secret: str | None) -> str | None:
        return secret or None  # `${env:NAME:-}` left empty means "let Keycloak generate it"


class Tenant(Strict):
    """One hosting provider: one Keycloak realm."""

    realm: str = Field(pattern=r"^[a-z][a-z0-9-]{1,62}$")
    display_name: str = Field(min_length=1, max_length=100)
    enabled: bool = True
    theme: str = "idp"
    locales: list[Literal[SUPPORTED_LOCALES]] = Field(default_factory=lambda: ["en", "ru"], min_length=1)  # type: ignore[valid-type]
    default_locale: Literal[SUPPORTED_LOCALES] = "en"  # type: ignore[valid-type]
    login: Login = Field(default_factory=Login)
    password_policy: PasswordPolicy = Field(default_factory=PasswordPolicy)
    email: EmailRules = Field(default_factory=EmailRules)
    brute_force: BruteForce = Field(default_factory=BruteForce)
    otp: Otp = Field(default_factory=Otp)
    sessions: Sessions = Field(default_factory=Sessions)
    events: Events = Field(default_factory=Events)
    smtp: Smtp
    clients: list[AppClient] = Field(default_factory=list)
    service_client: ServiceClient = Field(default_factory=ServiceClient)
    machine_clients: list[MachineClient] = Field(default_factory=list)
    # null: no accounts (users sign up alone); see contract/accounts.py.
    accounts: Accounts | None = None
    onboarding: Onboarding = Field(default_factory=Onboarding)
    # Listed in the service's public provider chooser (/providers); unlisted when absent.
    directory: DirectoryEntry | None = None
    look: Look = Field(default_factory=Look)
    api_access: ApiAccess = Field(default_factory=ApiAccess)

    @model_validator(mode="after")
    def _consistent(self) -> Tenant:
        if self.default_locale not in self.locales:
            raise ValueError(f"default_locale {self.default_locale!r} must be one of locales {self.locales}")
        kinds = [step.kind for step in self.onboarding.steps]
        if "email_code" in kinds and self.login.verify_email:
            raise ValueError("the email_code onboarding step replaces Keycloak's verification link; "
                             "set login.verify_email: false in this tenant")
        if "organization" in kinds and self.accounts is None:
            raise ValueError("the organization onboarding step names the user's account: give this tenant an "
                             "accounts section (see idp-config/defaults.yaml)")
        ids = ([c.client_id for c in self.clients] + [self.service_client.client_id]
               + [c.client_id for c in self.machine_clients])
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"client ids must be unique; repeated: {', '.join(repeated)}")
        return self
