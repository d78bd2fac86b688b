"""The local state folder: where logs, pid files, the dev database and the admin secret live."""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from contract.secrets import new_onboarding_secret, new_webhook_secret


@dataclass(frozen=True)
class AdminCredentials:
    """The bootstrap admin of the master realm (dev only, generated at first start)."""

    username: str
    password: str


@dataclass(frozen=True)
class StateDir:
    """Named paths inside the state folder (git-ignored)."""

    root: Path

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def run(self) -> Path:
        return self.root / "run"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def admin_file(self) -> Path:
        return self.root / "admin.json"

    @property
    def stack_file(self) -> Path:
        return self.run / "stack.json"

    def ensure(self) -> None:
        """Create the folders with owner-only access: they hold the admin secret and the database."""
        for folder in (self.root, self.logs, self.run, self.data):
            folder.mkdir(parents=True, exist_ok=True)
        # 0711 (others may pass through, never list) is what the production profile's PostgreSQL
        # needs when run by root: the server's own account must reach its data folder in here.
        if self.root.stat().st_mode & 0o077 not in (0, 0o011):
            os.chmod(self.root, 0o700)


def admin_credentials(state: StateDir) -> AdminCredentials:
    """Read the admin credentials, generating and saving them (mode 0600) on first use."""
    if state.admin_file.exists():
        saved = json.loads(state.admin_file.read_text())
        return AdminCredentials(saved["username"], saved["password"])
    state.ensure()
    creds = AdminCredentials("admin", secrets.token_urlsafe(24))
    _write_private(state.admin_file, {"username": creds.username, "password": creds.password})
    return creds


@dataclass(frozen=True)
class StackSecrets:
    """Secrets shared by Keycloak and the service in the local stack; generated, never committed."""

    webhook_secret: str  # Standard Webhooks "whsec_" secret: Keycloak signs, the service verifies
    onboarding_secret: str  # HMAC key for the onboarding hand-over tokens, both directions
    service_client_secret: str  # the idp-service client's secret in every local realm


def _write_private(path: Path, data: dict) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out)


def stack_secrets(state: StateDir) -> StackSecrets:
    """Read the stack's shared secrets, generating them (mode 0600) on first use."""
    path = state.root / "secrets.json"
    if not path.exists():
        state.ensure()
        _write_private(path, {
            "webhook_secret": new_webhook_secret(),
            "onboarding_secret": new_onboarding_secret(),
            "service_client_secret": secrets.token_urlsafe(32),
        })
    return StackSecrets(**json.loads(path.read_text()))


def read_stack(state: StateDir) -> dict | None:
    """What `idp up` recorded about the running stack (ports, pids), if anything."""
    if not state.stack_file.exists():
        return None
    return json.loads(state.stack_file.read_text())


def write_stack(state: StateDir, info: dict) -> None:
    """Record the running stack for `status`, `down` and scripts."""
    state.stack_file.write_text(json.dumps(info, indent=2, sort_keys=True))
