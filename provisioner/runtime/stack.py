"""`idp up/down/status`: install what is missing, start the service and Keycloak, stop them."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console

from provisioner.config.loader import load_tenants
from provisioner.errors import IdpError, RuntimeFailure
from provisioner.runtime import build, distribution, postgres, processes
from provisioner.runtime.java import find_java
from provisioner.runtime.state import (
    AdminCredentials,
    StateDir,
    admin_credentials,
    read_stack,
    stack_secrets,
    write_stack,
)
from provisioner.settings import Settings

KEYCLOAK_START_TIMEOUT = 300
SERVICE_START_TIMEOUT = 60


@dataclass(frozen=True)
class Installation:
    """A ready-to-start Keycloak: the JDK it runs on and its built home."""

    java_home: Path
    keycloak_home: Path


def install(settings: Settings, console: Console, postgres: bool = False) -> Installation:
    """Fetch, verify, unpack and build everything the stack needs; idempotent and incremental. With
    postgres, a second Keycloak home built for PostgreSQL (the production profile's)."""
    state = StateDir(settings.state_dir)
    state.ensure()
    java_home, major = find_java(settings.java_home)
    console.print(f"Java {major} at {java_home}")
    home = distribution.ensure_unpacked(settings.cache_dir, settings.state_dir, "postgres" if postgres else "")
    console.print(f"Keycloak {distribution.KEYCLOAK_VERSION} at {home}")
    jar = build.ensure_extension(settings.home, home, java_home, state.logs)
    options = build.POSTGRES_BUILD_OPTIONS if postgres else build.BUILD_OPTIONS
    with console.status("kc.sh build (only when providers or build options changed)"):
        rebuilt = build.ensure_built(home, [jar], java_home, state.logs, options)
    console.print("Keycloak build " + ("updated" if rebuilt else "unchanged"))
    build.link_themes(home, settings.home / "themes")
    return Installation(java_home, home)


def _keycloak_command(settings: Settings, home: Path, state: StateDir) -> list[str]:
    db_url = f"jdbc:h2:file:{state.data / 'h2' / 'keycloakdb'};NON_KEYWORDS=VALUE"
    return [
        str(home / "bin" / "kc.sh"), "start", "--optimized",
        "--http-enabled=true", "--http-host=127.0.0.1", f"--http-port={settings.keycloak_port}",
        f"--http-management-port={settings.management_port}",
        # Links in emails, the issuer and redirects come from this URL, never from the request's
        # Host header (a foreign Host must not poison a password-reset link).
        f"--hostname={settings.keycloak_public_url}", "--hostname-strict=true",
        # One node: no cluster transport. `cache` is a runtime option (kc.sh build ignores it); left
        # at its default, JGroups listens on 7800 and 57800 on every interface.
        "--cache=local",
        f"--db-url={db_url}", "--log=file", f"--log-file={state.logs / 'keycloak.log'}",
    ]


def service_env(settings: Settings, state: StateDir) -> dict[str, str]:
    """Environment of the service process: ports, database, Keycloak and the shared secrets."""
    shared = stack_secrets(state)
    return {
        **os.environ,
        "IDP_SERVICE_PORT": str(settings.service_port),
        "IDP_SMTP_PORT": str(settings.smtp_port),
        "IDP_SERVICE_DATABASE_URL": os.environ.get("IDP_SERVICE_DATABASE_URL")
        or f"sqlite:///{state.data / 'service.db'}",
        "IDP_SERVICE_PUBLIC_URL": settings.service_url,
        "IDP_KEYCLOAK_URL": settings.keycloak_url,
        "IDP_KEYCLOAK_PUBLIC_URL": settings.keycloak_public_url,
        # The local stack is a development stack: its mail/SMS sink and /dev pages are on here only.
        "IDP_SERVICE_DEV_INBOX": "true",
        "IDP_SERVICE_CLIENT_SECRET": shared.service_client_secret,
        "IDP_WEBHOOK_SECRET": shared.webhook_secret,
        "IDP_ONBOARDING_SECRET": shared.onboarding_secret,
        "IDP_SERVICE_REALMS": ",".join(_tenant_realms(settings)),
        "IDP_SMTP_HOST": "127.0.0.1",
        "IDP_SERVICE_THEME_DIR": str(settings.home / "themes" / "idp" / "login" / "resources"),
    }


def _tenant_realms(settings: Settings) -> list[str]:
    """Realm names from idp-config/ for the service's reconciler; none if the YAML is broken
    (`idp up` reports that itself when it applies)."""
    try:
        return [t.realm for t in load_tenants(settings.config_dir)]
    except IdpError:
        return []


def keycloak_env(settings: Settings, state: StateDir, installation: Installation) -> dict[str, str]:
    """Environment of Keycloak: JDK, bootstrap admin, where and how to send webhooks."""
    admin = admin_credentials(state)
    shared = stack_secrets(state)
    return {**os.environ, "JAVA_HOME": str(installation.java_home),
            "KC_BOOTSTRAP_ADMIN_USERNAME": admin.username, "KC_BOOTSTRAP_ADMIN_PASSWORD": admin.password,
            "IDP_WEBHOOK_URL": f"{settings.service_url}/events/keycloak",
            "IDP_WEBHOOK_SECRET": shared.webhook_secret,
            "IDP_ONBOARDING_SECRET": shared.onboarding_secret,
            "IDP_ONBOARDING_URL": f"{settings.service_url}/onboarding/start",
            "IDP_PAT_CHECK_URL": f"{settings.service_url}/internal/personal-access-tokens/exchange-check"}


def running(settings: Settings) -> dict | None:
    """The recorded stack if both its processes are alive, else None."""
    info = read_stack(StateDir(settings.state_dir))
    if info and processes.pid_alive(info.get("keycloak_pid")) and processes.pid_alive(info.get("service_pid")):
        return info
    return None


def up(settings: Settings, console: Console) -> bool:
    """Start the stack unless it runs already; True if it was started now."""
    state = StateDir(settings.state_dir)
    if running(settings):
        console.print("The stack is already running; nothing was restarted.")
        return False
    down(settings, Console(quiet=True))  # clears a half-dead stack from an earlier crash
    processes.require_free_ports({
        "Keycloak HTTP": (settings.keycloak_port, "IDP_KEYCLOAK_PORT"),
        "Keycloak management": (settings.management_port, "IDP_MANAGEMENT_PORT"),
        "service HTTP": (settings.service_port, "IDP_SERVICE_PORT"),
        "dev SMTP": (settings.smtp_port, "IDP_SMTP_PORT"),
    })
    installation = install(settings, console)
    info = {"keycloak_pid": None, **recorded_ports(settings), "public_url": settings.keycloak_public_url}
    info["service_pid"] = start_service(settings, console)
    write_stack(state, info)
    env = keycloak_env(settings, state, installation)
    kc_log = state.logs / "keycloak.out"
    keycloak_pid = processes.spawn(_keycloak_command(settings, installation.keycloak_home, state), env, kc_log,
                                   installation.keycloak_home)
    info["keycloak_pid"] = keycloak_pid
    write_stack(state, info)
    with console.status("Starting Keycloak (waits on /health/ready)"):
        processes.wait_until(lambda: processes.http_ok(f"{settings.management_url}/health/ready"), keycloak_pid,
                             "Keycloak", kc_log, KEYCLOAK_START_TIMEOUT)
    return True


def start_service(settings: Settings, console: Console) -> int:
    """Start the service (and its dev SMTP sink) and wait until /healthz answers; returns its pid."""
    state = StateDir(settings.state_dir)
    log = state.logs / "service.log"
    env = service_env(settings, state)
    migrate_service_database(settings, env)
    pid = processes.spawn([sys.executable, "-m", "webhooks", "serve"], env, log, settings.home)
    with console.status("Starting the service and its dev mail sink"):
        processes.wait_until(lambda: processes.http_ok(f"{settings.service_url}/healthz"), pid, "The service", log,
                             SERVICE_START_TIMEOUT)
    return pid


def migrate_service_database(settings: Settings, env: dict[str, str]) -> None:
    """`python -m webhooks migrate`: the schema is brought up to date once, before any worker starts."""
    result = subprocess.run([sys.executable, "-m", "webhooks", "migrate"], cwd=settings.home, env=env,
                            capture_output=True, text=True, check=False, timeout=300)
    if result.returncode != 0:
        raise RuntimeFailure(f"Migrating the service's database failed (exit {result.returncode}):\n"
                             f"{(result.stderr or result.stdout).strip()[-2000:]}")


def stop_service(settings: Settings) -> bool:
    """Stop only the service (Keycloak keeps running); True if it was running."""
    info = read_stack(StateDir(settings.state_dir)) or {}
    return processes.stop(info.get("service_pid"))


def restart_service(settings: Settings, console: Console) -> None:
    """Stop and start only the service (Keycloak keeps running)."""
    state = StateDir(settings.state_dir)
    stop_service(settings)
    info = read_stack(state) or {}
    info["service_pid"] = start_service(settings, console)
    write_stack(state, info)


def recorded_ports(settings: Settings) -> dict[str, int]:
    return {"keycloak_port": settings.keycloak_port, "management_port": settings.management_port,
            "service_port": settings.service_port, "smtp_port": settings.smtp_port,
            "postgres_port": settings.postgres_port, "keycloak_2_port": settings.keycloak_2_port,
            "management_2_port": settings.management_2_port, "cluster_port": settings.cluster_port}


# What `down` stops, in order: Keycloak nodes first (their last webhooks still reach the service).
PROCESSES = (("Keycloak", "keycloak_pid"), ("Keycloak node 2", "keycloak_2_pid"), ("the service", "service_pid"),
             ("the service's worker", "worker_pid"))


def down(settings: Settings, console: Console) -> None:
    """Stop Keycloak, then the service (and, in the production profile, its worker and PostgreSQL)."""
    state = StateDir(settings.state_dir)
    info = read_stack(state) or {}
    stopped = [name for name, key in PROCESSES if processes.stop(info.get(key))]
    if info.get("postgres_data") and postgres.stop(Path(info["postgres_data"])):
        stopped.append("PostgreSQL")
    state.stack_file.unlink(missing_ok=True)
    console.print("Stopped " + ", ".join(stopped) + "." if stopped else "Nothing was running.")


def settings_for_running_stack(settings: Settings) -> Settings:
    """Settings whose ports are the ones the running stack was started with."""
    info = read_stack(StateDir(settings.state_dir))
    if not info:
        return settings
    ports = {k: info.get(k, default) for k, default in recorded_ports(settings).items()}
    started = replace(settings, **ports, public_url=None)
    # A stack started with its default (loopback) public URL keeps it when its ports are read back.
    public = info.get("public_url")
    return replace(started, public_url=public if public and public != started.keycloak_url else None)


def require_running(settings: Settings) -> tuple[Settings, AdminCredentials]:
    """Settings of the running stack and its admin credentials, or a clear error."""
    if not running(settings):
        raise RuntimeFailure("The local stack is not running.", "Start it with `idp up`.")
    return settings_for_running_stack(settings), admin_credentials(StateDir(settings.state_dir))
