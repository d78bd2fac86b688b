"""The service's settings: one typed object built once from IDP_SERVICE_* / IDP_* variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


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


@dataclass(frozen=True)
class ServiceConfig:
    """Everything the service reads from its environment."""

    database_url: str
    port: int
    smtp_port: int
    dev_inbox: bool

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServiceConfig:
        """Read the settings; the dev mail sink and inbox are on unless IDP_SERVICE_DEV_INBOX=false."""
        env = os.environ if env is None else env
        return cls(
            database_url=env.get("IDP_SERVICE_DATABASE_URL") or env.get("DATABASE_URL") or "sqlite:///service.db",
            port=_int(env, "IDP_SERVICE_PORT", 5080),
            smtp_port=_int(env, "IDP_SMTP_PORT", 2525),
            dev_inbox=_flag(env, "IDP_SERVICE_DEV_INBOX", True),
        )
