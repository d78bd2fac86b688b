"""Typed settings for the `idp` command, read once from IDP_* environment variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from provisioner.errors import IdpError
from provisioner.home import config_folder, project_home, state_folder


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise IdpError(f"{name}={raw!r} is not a TCP port.", "Use a number from 1 to 65535.")
    return int(raw)


def _workers(env: Mapping[str, str]) -> int:
    raw = env.get("IDP_SERVICE_WORKERS", "")
    if raw == "":
        return 4
    if not raw.isdigit() or not 1 <= int(raw) <= 64:
        raise IdpError(f"IDP_SERVICE_WORKERS={raw!r} is not a number of gunicorn workers.", "Use 1 to 64.")
    return int(raw)


def _public_url(raw: str) -> str | None:
    if not raw:
        return None
    parsed = urlsplit(raw)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.query or parsed.fragment:
        raise IdpError(f"IDP_KEYCLOAK_PUBLIC_URL={raw!r} is not an http(s) URL of a host.",
                       "Write it as users reach Keycloak, e.g. https://id.example.com (no query, no fragment).")
    return raw.rstrip("/")


@dataclass(frozen=True)
class Settings:
    """Where things live and which loopback ports the local stack uses."""

    home: Path
    state_dir: Path
    config_dir: Path
    cache_dir: Path
    exports_dir: Path
    keycloak_port: int
    management_port: int
    service_port: int
    smtp_port: int
    java_home: Path | None
    # The production profile's extra parts (see runtime/production.py).
    postgres_port: int = 5433
    keycloak_2_port: int = 8081
    management_2_port: int = 9001
    cluster_port: int = 7800  # JGroups of node 1; node 2 uses the next port
    service_workers: int = 4
    # The URL users and relying apps reach Keycloak at. Keycloak builds every link (issuer, email
    # links, redirects) from it, never from a request's Host header.
    public_url: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from the environment (IDP_HOME, IDP_STATE_DIR, IDP_*_PORT, ...)."""
        env = os.environ if env is None else env
        home = project_home(env)
        cache_root = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        return cls(
            home=home,
            state_dir=state_folder(env, home),
            config_dir=config_folder(env, home),
            cache_dir=Path(env.get("IDP_CACHE_DIR") or cache_root / "idp").resolve(),
            exports_dir=Path(env.get("IDP_EXPORTS_DIR") or home / "realm-exports").resolve(),
            keycloak_port=_port(env, "IDP_KEYCLOAK_PORT", 8080),
            management_port=_port(env, "IDP_MANAGEMENT_PORT", 9000),
            service_port=_port(env, "IDP_SERVICE_PORT", 5080),
            smtp_port=_port(env, "IDP_SMTP_PORT", 2525),
            java_home=Path(env["JAVA_HOME"]) if env.get("JAVA_HOME") else None,
            postgres_port=_port(env, "IDP_POSTGRES_PORT", 5433),
            keycloak_2_port=_port(env, "IDP_KEYCLOAK_2_PORT", 8081),
            management_2_port=_port(env, "IDP_MANAGEMENT_2_PORT", 9001),
            # JGroups' failure detection listens 50000 above it: keep it below 15536.
            cluster_port=_port(env, "IDP_CLUSTER_PORT", 7800),
            service_workers=_workers(env),
            public_url=_public_url(env.get("IDP_KEYCLOAK_PUBLIC_URL", "")),
        )

    @property
    def keycloak_url(self) -> str:
        return f"http://127.0.0.1:{self.keycloak_port}"

    @property
    def keycloak_public_url(self) -> str:
        """Keycloak's fixed public URL: IDP_KEYCLOAK_PUBLIC_URL, else the loopback URL `idp up` prints."""
        return self.public_url or self.keycloak_url

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.service_port}"

    @property
    def management_url(self) -> str:
        return f"http://127.0.0.1:{self.management_port}"
