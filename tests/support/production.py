"""The production profile (`idp up --profile cluster`) started by the suite: PostgreSQL, two
Keycloak nodes in one cluster, the service under gunicorn; fresh data, free ports, its own state dir."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from provisioner.runtime import processes
from provisioner.runtime.state import StateDir, admin_credentials
from provisioner.settings import Settings
from tests.support.net import free_port
from tests.support.stack import ROOT, Stack

IDP = str(ROOT / ".venv" / "bin" / "idp") if (ROOT / ".venv" / "bin" / "idp").exists() else "idp"


def free_cluster_port() -> int:
    """Two neighbouring free ports below 15536 whose failure-detection ports (50000 up) are free too."""
    for port in range(7800, 15500, 2):
        if not any(processes.port_in_use(p) for p in (port, port + 1, port + 50000, port + 50001)):
            return port
    raise RuntimeError("no free JGroups ports below 15536")


def kill(pid: int, timeout: float = 30) -> None:
    """SIGKILL a stack process's group (as a crash would) and wait until it is gone."""
    os.killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while processes.pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not processes.pid_alive(pid), f"process {pid} outlived SIGKILL"


def forget(state_dir: Path) -> None:
    """Delete a state dir's data, logs and secrets; keep its built Keycloak home."""
    state = StateDir(state_dir)
    for leftover in (state.data, state.run, state.logs):
        shutil.rmtree(leftover, ignore_errors=True)
    for secret in ("admin.json", "secrets.json", "postgres.json"):
        (state_dir / secret).unlink(missing_ok=True)


@dataclass(frozen=True)
class ProductionStack(Stack):
    """The cluster profile: node 1 is the Stack's keycloak_url, node 2 its own."""

    env_vars: dict

    @property
    def node_two_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.keycloak_2_port}"

    def idp(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
        return subprocess.run([IDP, *args], env={**os.environ, **self.env_vars}, capture_output=True, text=True,
                              timeout=timeout, check=False)

    def status(self) -> dict:
        import json

        return json.loads(self.idp("status", "--json").stdout)


def production_env(state_dir: Path) -> dict[str, str]:
    """`idp` settings for a production-profile state dir on free loopback ports."""
    return {"IDP_HOME": str(ROOT), "IDP_STATE_DIR": str(state_dir),
                "IDP_KEYCLOAK_PORT": str(free_port()), "IDP_MANAGEMENT_PORT": str(free_port()),
                "IDP_KEYCLOAK_2_PORT": str(free_port()), "IDP_MANAGEMENT_2_PORT": str(free_port()),
                "IDP_SERVICE_PORT": str(free_port()), "IDP_SMTP_PORT": str(free_port()),
                "IDP_POSTGRES_PORT": str(free_port()), "IDP_CLUSTER_PORT": str(free_cluster_port()),
                "IDP_SERVICE_RECONCILE_INTERVAL": "5"}


@contextmanager
def production_stack(state_dir: Path, profile: str = "cluster", fresh: bool = True) -> Iterator[ProductionStack]:
    """Start the profile, with a fresh database unless told otherwise (the built Keycloak home is kept
    between runs); stop it after."""
    env_vars = production_env(state_dir)
    settings = Settings.from_env(env_vars)
    stack = ProductionStack(settings, "", "", env_vars)
    stack.idp("down")
    if fresh:
        forget(state_dir)
    started = stack.idp("up", "--profile", profile)
    try:
        assert started.returncode == 0, started.stdout[-3000:] + started.stderr[-3000:]
        creds = admin_credentials(StateDir(state_dir))
        yield ProductionStack(settings, creds.username, creds.password, env_vars)
    finally:
        stack.idp("down")
