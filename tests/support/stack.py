"""Fixtures for the real stack (started once per test run) and throwaway tenants for isolation."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import yaml
from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakDeleteError
from rich.console import Console

from provisioner import reconcile
from provisioner.admin_api import connect
from provisioner.config.loader import load_tenants
from provisioner.config.model import Tenant
from provisioner.runtime import stack as runtime
from provisioner.runtime.state import StackSecrets, StateDir, admin_credentials, stack_secrets
from provisioner.settings import Settings
from tests.support.inbox import DevInbox
from tests.support.net import free_port
from tests.support.pages import Browser

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Stack:
    """The running stack under test."""

    settings: Settings
    admin_user: str
    admin_password: str

    @property
    def keycloak_url(self) -> str:
        return self.settings.keycloak_url

    @property
    def inbox(self) -> DevInbox:
        return DevInbox(self.settings.service_url)

    @property
    def secrets(self) -> StackSecrets:
        return stack_secrets(StateDir(self.settings.state_dir))

    def admin(self) -> KeycloakAdmin:
        return connect(self.keycloak_url, self.admin_user, self.admin_password)

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for running the `idp` CLI against this stack."""
        return {**os.environ, "IDP_STATE_DIR": str(self.settings.state_dir), "IDP_HOME": str(ROOT), **extra}


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    """Fresh database and admin secret, free ports; Keycloak and the service started once."""
    state_dir = Path(os.environ.get("IDP_TEST_STATE_DIR") or ROOT / ".idp-test")
    base = Settings.from_env({"IDP_HOME": str(ROOT), "IDP_STATE_DIR": str(state_dir)})
    settings = replace(base, keycloak_port=free_port(), management_port=free_port(), service_port=free_port(),
                       smtp_port=free_port())
    runtime.down(settings, Console(quiet=True))
    state = StateDir(state_dir)
    for leftover in (state.data, state.run, state.logs):
        shutil.rmtree(leftover, ignore_errors=True)
    state.admin_file.unlink(missing_ok=True)
    (state.root / "secrets.json").unlink(missing_ok=True)
    runtime.up(settings, Console(quiet=True))
    creds = admin_credentials(state)
    try:
        yield Stack(settings, creds.username, creds.password)
    finally:
        runtime.down(settings, Console(quiet=True))


@pytest.fixture(scope="session")
def admin(stack: Stack) -> KeycloakAdmin:
    return stack.admin()


@dataclass(frozen=True)
class ThrowawayTenant:
    """A realm made for one test from a shipped tenant file plus overrides."""

    tenant: Tenant
    config_dir: Path
    keycloak_url: str

    @property
    def realm(self) -> str:
        return self.tenant.realm

    @property
    def client(self):
        return self.tenant.clients[0]

    def browser(self) -> Browser:
        return Browser(self.keycloak_url, self.realm, self.client.client_id, self.client.redirect_uris[0])


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def write_tenant_config(target: Path, realm: str, base: str = "cloud", overrides: dict | None = None) -> Path:
    """A config dir holding the shipped defaults and one tenant derived from a shipped one."""
    (target / "tenants").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "idp-config" / "defaults.yaml", target / "defaults.yaml")
    data = yaml.safe_load((ROOT / "idp-config" / "tenants" / f"{base}.yaml").read_text())
    data = _merge(data, {"realm": realm, **(overrides or {})})
    (target / "tenants" / f"{realm}.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def master_service_account(admin: KeycloakAdmin, client_id: str) -> tuple[str, str, str]:
    """A master realm client whose service account holds the admin role (Keycloak's sign-in for
    automation, IDP_ADMIN_CLIENT_ID/IDP_ADMIN_CLIENT_SECRET): its client id, secret and internal id."""
    admin.change_current_realm("master")
    internal = admin.create_client({"clientId": client_id, "publicClient": False, "serviceAccountsEnabled": True,
                                    "standardFlowEnabled": False, "directAccessGrantsEnabled": False})
    account = admin.get_client_service_account_user(internal)
    admin.assign_realm_roles(account["id"], [admin.get_realm_role("admin")])
    return client_id, admin.get_client_secrets(internal)["value"], internal


def apply_tenant(stack: Stack, admin: KeycloakAdmin, root: Path, base: str = "cloud", **overrides) -> ThrowawayTenant:
    """Write and apply a tenant named t-<base>-<random> derived from a shipped tenant file."""
    realm = f"t-{base}-{uuid.uuid4().hex[:8]}"
    config_dir = write_tenant_config(root / realm, realm, base, overrides)
    env = {**os.environ, "IDP_SMTP_HOST": "127.0.0.1", "IDP_SMTP_PORT": str(stack.settings.smtp_port),
           "IDP_SERVICE_CLIENT_SECRET": stack.secrets.service_client_secret,
           "IDP_SERVICE_PUBLIC_URL": stack.settings.service_url}
    [tenant] = load_tenants(config_dir, env)
    reconcile.apply(admin, [tenant], Console(quiet=True))
    return ThrowawayTenant(tenant, config_dir, stack.keycloak_url)


@contextmanager
def throwaway_tenants(stack: Stack, admin: KeycloakAdmin, root: Path) -> Iterator[Callable[..., ThrowawayTenant]]:
    """A factory of applied throwaway tenants; their realms are deleted at the end."""
    created: list[ThrowawayTenant] = []

    def factory(base: str = "cloud", **overrides) -> ThrowawayTenant:
        created.append(apply_tenant(stack, admin, root, base, **overrides))
        return created[-1]

    try:
        yield factory
    finally:
        for tenant in created:
            delete_realm_when_idle(admin, tenant.realm)


def delete_realm_when_idle(admin: KeycloakAdmin, realm: str, attempts: int = 8) -> None:
    """Delete a test's realm. The service may still be opening the account of a sign-up the test made
    (its REGISTER webhook runs after the page answered), and Keycloak then fails the deletion with a
    500 (an organization's group appears under it); try again until that work is done, a bounded
    number of times."""
    for attempt in range(1, attempts + 1):
        try:
            admin.delete_realm(realm)
            return
        except KeycloakDeleteError as exc:
            if exc.response_code != 500 or attempt == attempts:
                raise
            time.sleep(0.1 * attempt)  # backing off between tries of a condition, not a fixed wait


@pytest.fixture
def make_tenant(stack: Stack, admin: KeycloakAdmin, tmp_path: Path):
    """Create and apply a throwaway tenant; its realm is deleted after the test."""
    with throwaway_tenants(stack, admin, tmp_path) as factory:
        yield factory


def create_user(admin: KeycloakAdmin, realm: str, password: str = "Sunny-Harbor7", onboarded: bool = True,
                **fields) -> tuple[str, str]:
    """A verified user made through the admin API (for tests that are not about sign-up); by default
    one who has finished onboarding, so tenants that enforce it let them in."""
    email = fields.pop("email", f"user-{uuid.uuid4().hex[:10]}@example.test")
    if onboarded:
        fields["attributes"] = {"onboardingCompleted": ["true"], **fields.get("attributes", {})}
    admin.change_current_realm(realm)
    user_id = admin.create_user({"username": email, "email": email, "emailVerified": True, "enabled": True,
                                 "firstName": "Test", "lastName": "User",
                                 "credentials": [{"type": "password", "value": password, "temporary": False}],
                                 **fields})
    return user_id, email
