"""The service's settings: one typed object built once from IDP_SERVICE_* / IDP_* variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from contract.secrets import webhook_secret_problem


class ConfigProblem(ValueError):
    """A setting that cannot be used; the message names the variable and the fix."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit():
        raise ConfigProblem(f"{name}={raw!r} must be a whole number.")
    return int(raw)


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw not in {"1", "0", "true", "false", "yes", "no"}:
        raise ConfigProblem(f"{name}={raw!r} must be true or false.")
    return raw in {"1", "true", "yes"}


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = env.get(name, "") or default
    if value not in allowed:
        raise ConfigProblem(f"{name}={value!r} must be one of: {', '.join(allowed)}.")
    return value


def _webhook_secret(variable: str, secret: str) -> str:
    """`secret`, read from `variable`, if Keycloak's listener can sign with it; else ConfigProblem."""
    problem = webhook_secret_problem(secret) if secret else None
    if problem:
        raise ConfigProblem(f"{variable} holds a Standard Webhooks secret Keycloak could not sign with: {problem}. "
                            "Make a new one with `idp env` (the same secret goes to Keycloak and to the service).")
    return secret


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in env.get(name, "").split(",") if item.strip())


def _sms_provider(env: Mapping[str, str]) -> str:
    provider = env.get("IDP_SERVICE_SMS_PROVIDER", "")
    if provider == "":
        return ""  # the dev sink with the dev inbox, else none
    provider = _choice(env, "IDP_SERVICE_SMS_PROVIDER", ("dev", "twilio", "none"), "")
    if provider == "dev" and not _flag(env, "IDP_SERVICE_DEV_INBOX", False):
        raise ConfigProblem("IDP_SERVICE_SMS_PROVIDER=dev puts codes in the dev inbox, which is off; set "
                            "IDP_SERVICE_SMS_PROVIDER=twilio (with IDP_TWILIO_*) or IDP_SERVICE_DEV_INBOX=true.")
    return provider


def _card_gateway(env: Mapping[str, str]) -> str:
    if env.get("IDP_SERVICE_CARD_GATEWAY", "") == "":
        return ""
    gateway = _choice(env, "IDP_SERVICE_CARD_GATEWAY", ("sandbox", "stripe", "none"), "")
    if gateway == "sandbox" and not _flag(env, "IDP_SERVICE_DEV_INBOX", False):
        raise ConfigProblem("IDP_SERVICE_CARD_GATEWAY=sandbox takes no real payments; it runs only with "
                            "IDP_SERVICE_DEV_INBOX=true.")
    if gateway == "stripe" and not env.get("IDP_STRIPE_SECRET_KEY", "").startswith(("sk_", "rk_")):
        raise ConfigProblem("IDP_SERVICE_CARD_GATEWAY=stripe needs IDP_STRIPE_SECRET_KEY, a Stripe secret or "
                            "restricted key (sk_... or rk_...) from the Stripe dashboard.")
    return gateway


@dataclass(frozen=True)
class ServiceConfig:
    """Everything the service reads from its environment."""

    database_url: str
    port: int
    smtp_port: int
    dev_inbox: bool
    public_url: str = "http://127.0.0.1:5080"
    keycloak_url: str = "http://127.0.0.1:8080"
    # Where browsers reach Keycloak: the issuer of hand-over tokens and the way back. Differs from
    # keycloak_url when the service talks to Keycloak on an internal address.
    keycloak_public_url: str = ""
    service_client_id: str = "idp-service"
    service_client_secret: str = field(default="", repr=False)
    webhook_secret: str = field(default="", repr=False)
    onboarding_secret: str = field(default="", repr=False)
    # While a secret is rotated: the previous ones are still accepted (signing uses the current one).
    onboarding_previous_secrets: tuple[str, ...] = field(default=(), repr=False)
    webhook_previous_secrets: tuple[str, ...] = field(default=(), repr=False)
    realms: tuple[str, ...] = ()
    reconcile_interval: int = 30
    smtp_host: str = "127.0.0.1"
    mail_from: str = "no-reply@idp.localhost"
    # "" picks the dev sink when the dev inbox is on, else none; none: phone steps stop with a clear
    # error until a provider is set.
    sms_provider: str = ""
    # "" picks the built-in sandbox gateway when the dev inbox is on (dev and tests), else none: the
    # card step stops with a clear error until a real gateway is configured.
    card_gateway: str = ""
    stripe_secret_key: str = field(default="", repr=False)
    stripe_api_base: str = "https://api.stripe.com"
    twilio_account_sid: str = ""
    twilio_auth_token: str = field(default="", repr=False)
    twilio_from: str = ""
    twilio_base_url: str = "https://api.twilio.com"
    theme_dir: str = ""
    trusted_proxies: int = 0
    # Set: /metrics asks for it as a bearer token (a Prometheus on another host); unset: loopback only.
    metrics_token: str = field(default="", repr=False)

    @property
    def issuer_base(self) -> str:
        """The Keycloak URL realm issuers start with."""
        return self.keycloak_public_url or self.keycloak_url

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServiceConfig:
        """Read the settings. Production by default: the dev mail sink, inbox and /dev endpoints run
        only with IDP_SERVICE_DEV_INBOX=true (the local stack and the tests set it)."""
        env = os.environ if env is None else env
        keycloak_url = env.get("IDP_KEYCLOAK_URL", "http://127.0.0.1:8080").rstrip("/")
        return cls(
            database_url=env.get("IDP_SERVICE_DATABASE_URL") or env.get("DATABASE_URL") or "sqlite:///service.db",
            port=_int(env, "IDP_SERVICE_PORT", 5080),
            smtp_port=_int(env, "IDP_SMTP_PORT", 2525),
            dev_inbox=_flag(env, "IDP_SERVICE_DEV_INBOX", False),
            public_url=env.get("IDP_SERVICE_PUBLIC_URL", "http://127.0.0.1:5080").rstrip("/"),
            keycloak_url=keycloak_url,
            keycloak_public_url=(env.get("IDP_KEYCLOAK_PUBLIC_URL") or keycloak_url).rstrip("/"),
            service_client_id=env.get("IDP_SERVICE_CLIENT_ID", "idp-service"),
            service_client_secret=env.get("IDP_SERVICE_CLIENT_SECRET", ""),
            webhook_secret=_webhook_secret("IDP_WEBHOOK_SECRET", env.get("IDP_WEBHOOK_SECRET", "")),
            onboarding_secret=env.get("IDP_ONBOARDING_SECRET", ""),
            onboarding_previous_secrets=_list(env, "IDP_ONBOARDING_PREVIOUS_SECRETS"),
            webhook_previous_secrets=tuple(_webhook_secret("IDP_WEBHOOK_PREVIOUS_SECRETS", previous)
                                           for previous in _list(env, "IDP_WEBHOOK_PREVIOUS_SECRETS")),
            realms=tuple(r for r in env.get("IDP_SERVICE_REALMS", "").split(",") if r),
            reconcile_interval=_int(env, "IDP_SERVICE_RECONCILE_INTERVAL", 30),
            smtp_host=env.get("IDP_SMTP_HOST", "127.0.0.1"),
            mail_from=env.get("IDP_SERVICE_MAIL_FROM", "no-reply@idp.localhost"),
            sms_provider=_sms_provider(env),
            card_gateway=_card_gateway(env),
            stripe_secret_key=env.get("IDP_STRIPE_SECRET_KEY", ""),
            stripe_api_base=env.get("IDP_STRIPE_API_BASE", "https://api.stripe.com").rstrip("/"),
            twilio_account_sid=env.get("IDP_TWILIO_ACCOUNT_SID", ""),
            twilio_auth_token=env.get("IDP_TWILIO_AUTH_TOKEN", ""),
            twilio_from=env.get("IDP_TWILIO_FROM", ""),
            twilio_base_url=env.get("IDP_TWILIO_BASE_URL", "https://api.twilio.com").rstrip("/"),
            theme_dir=env.get("IDP_SERVICE_THEME_DIR", ""),
            trusted_proxies=_int(env, "IDP_SERVICE_TRUSTED_PROXIES", 0),
            metrics_token=env.get("IDP_SERVICE_METRICS_TOKEN", ""),
        )
