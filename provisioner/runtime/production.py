"""`idp up --profile production|cluster`: the topology of docker-compose.yml as processes on this
machine. PostgreSQL (the machine's own server, a data folder under the state dir) holds one database
for Keycloak and one for the service; Keycloak is built for PostgreSQL and started `--optimized`,
clustered by its default JDBC-ping discovery (one node, or two with `cluster`); the service runs
under gunicorn with several workers, its migrations run once before them, and its reconciler runs
once beside them (`python -m webhooks worker`, which also runs the dev mail sink: one machine has no
mail relay, so the dev inbox stays on)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from provisioner.runtime import postgres, processes
from provisioner.runtime.stack import (
    KEYCLOAK_START_TIMEOUT,
    SERVICE_START_TIMEOUT,
    Installation,
    down,
    install,
    keycloak_env,
    migrate_service_database,
    recorded_ports,
    running,
    service_env,
)
from provisioner.runtime.state import StateDir, write_stack
from provisioner.settings import Settings

PROFILES = ("dev", "production", "cluster")
GUNICORN_THREADS = 4  # per worker: the service's requests mostly wait on its database and on Keycloak


@dataclass(frozen=True)
class Node:
    """One Keycloak node: its name in the cluster, its ports, where it logs, its pid's key in stack.json."""

    name: str
    http_port: int
    management_port: int
    cluster_port: int
    log: str
    pid_key: str


def nodes(settings: Settings, count: int) -> list[Node]:
    """Node 1 on the usual ports (so every other command finds it), node 2 on its own."""
    one = Node("node-1", settings.keycloak_port, settings.management_port, settings.cluster_port, "keycloak",
               "keycloak_pid")
    two = Node("node-2", settings.keycloak_2_port, settings.management_2_port, settings.cluster_port + 1,
               "keycloak-2", "keycloak_2_pid")
    return [one, two][:count]


def postgres_data(state: StateDir) -> Path:
    return state.data / "postgres"


def database_server(settings: Settings) -> postgres.PostgresServer:
    """The profile's PostgreSQL, started (and created on first use)."""
    state = StateDir(settings.state_dir)
    return postgres.ensure_running(state.root, postgres_data(state), settings.postgres_port,
                                   state.logs / "postgres.log")


def keycloak_node_command(settings: Settings, home: Path, state: StateDir, node: Node,
                          server: postgres.PostgresServer) -> list[str]:
    """`kc.sh start --optimized` for one node; the database password goes by environment, not argv."""
    return [
        str(home / "bin" / "kc.sh"), "start", "--optimized",
        "--http-enabled=true", "--http-host=127.0.0.1", f"--http-port={node.http_port}",
        f"--http-management-port={node.management_port}",
        # Every node builds links and the issuer from the one public URL, so a token minted by one
        # node is refreshed by the other.
        f"--hostname={settings.keycloak_public_url}", "--hostname-strict=true",
        f"--db-url={server.jdbc_url_of_keycloak}", f"--db-username={postgres.DATABASES['keycloak']}",
        # Keycloak's own clustering: Infinispan over JGroups, members found through the shared
        # database (jdbc-ping); its transport and failure detection listen on loopback only.
        "--cache=ispn", "--cache-stack=jdbc-ping", "--cache-embedded-network-bind-address=127.0.0.1",
        f"--cache-embedded-network-bind-port={node.cluster_port}",
        f"--spi-cache-embedded-default-node-name={node.name}",
        "--log=file", f"--log-file={state.logs / (node.log + '.log')}",
    ]


def start_keycloak_node(settings: Settings, installation: Installation, server: postgres.PostgresServer,
                        node: Node, console: Console) -> int:
    """Start one node and wait until it reports ready; returns its pid."""
    state = StateDir(settings.state_dir)
    env = {**keycloak_env(settings, state, installation), "KC_DB_PASSWORD": server.passwords.owners["keycloak"]}
    out = state.logs / f"{node.log}.out"
    pid = processes.spawn(keycloak_node_command(settings, installation.keycloak_home, state, node, server), env,
                          out, installation.keycloak_home)
    with console.status(f"Starting Keycloak {node.name} on PostgreSQL (waits on /health/ready)"):
        processes.wait_until(lambda: processes.http_ok(f"http://127.0.0.1:{node.management_port}/health/ready"),
                             pid, f"Keycloak {node.name}", out, KEYCLOAK_START_TIMEOUT)
    return pid


def service_production_env(settings: Settings, server: postgres.PostgresServer) -> dict[str, str]:
    state = StateDir(settings.state_dir)
    # gunicorn's workers and the background worker write their metrics here; /metrics adds them up.
    return {**service_env(settings, state), "IDP_SERVICE_DATABASE_URL": server.url("service"),
            "PROMETHEUS_MULTIPROC_DIR": str(state.root / "metrics")}


def gunicorn_command(settings: Settings, port: int, access_log: Path) -> list[str]:
    """The production server's command line: gunicorn's workers (gthread, 4 threads each) on loopback."""
    return [sys.executable, "-m", "gunicorn", "--config", "python:webhooks.gunicorn_hooks",
            "--workers", str(settings.service_workers),
            "--worker-class", "gthread", "--threads", str(GUNICORN_THREADS), "--bind", f"127.0.0.1:{port}",
            "--access-logfile", str(access_log),
            # Which worker (pid) served each request, and in how many milliseconds.
            "--access-logformat", '%(p)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms', "--graceful-timeout", "20",
            "webhooks.wsgi:app"]


def start_gunicorn(settings: Settings, server: postgres.PostgresServer, console: Console) -> int:
    """The service's HTTP under gunicorn (schema already migrated); returns the master's pid."""
    state = StateDir(settings.state_dir)
    log = state.logs / "service.log"
    gunicorn = gunicorn_command(settings, settings.service_port, state.logs / "service-access.log")
    pid = processes.spawn(gunicorn, service_production_env(settings, server), log, settings.home)
    with console.status(f"Starting the service under gunicorn ({settings.service_workers} workers)"):
        processes.wait_until(lambda: processes.http_ok(f"{settings.service_url}/healthz"), pid,
                             "The service (gunicorn)", log, SERVICE_START_TIMEOUT)
    return pid


def start_service_workers(settings: Settings, server: postgres.PostgresServer, console: Console) -> tuple[int, int]:
    """Migrate once, then gunicorn's workers and the one background worker; returns both pids."""
    state = StateDir(settings.state_dir)
    env = service_production_env(settings, server)
    migrate_service_database(settings, env)
    service_pid = start_gunicorn(settings, server, console)
    worker_log = state.logs / "service-worker.log"
    worker_pid = processes.spawn([sys.executable, "-m", "webhooks", "worker"], env, worker_log, settings.home)
    processes.wait_until(lambda: processes.port_in_use(settings.smtp_port), worker_pid,
                         "The service's worker (reconciler, dev mail sink)", worker_log, SERVICE_START_TIMEOUT)
    return service_pid, worker_pid


def up(settings: Settings, console: Console, profile: str) -> bool:
    """Start the production (one node) or cluster (two nodes) profile unless a stack runs already."""
    state = StateDir(settings.state_dir)
    if running(settings):
        console.print("The stack is already running; nothing was restarted.")
        return False
    down(settings, Console(quiet=True))
    count = 2 if profile == "cluster" else 1
    wanted = {"Keycloak HTTP": (settings.keycloak_port, "IDP_KEYCLOAK_PORT"),
              "Keycloak management": (settings.management_port, "IDP_MANAGEMENT_PORT"),
              "service HTTP": (settings.service_port, "IDP_SERVICE_PORT"),
              "dev SMTP": (settings.smtp_port, "IDP_SMTP_PORT"),
              "PostgreSQL": (settings.postgres_port, "IDP_POSTGRES_PORT"),
              "Keycloak cluster transport": (settings.cluster_port, "IDP_CLUSTER_PORT")}
    if count == 2:
        wanted |= {"Keycloak node 2 HTTP": (settings.keycloak_2_port, "IDP_KEYCLOAK_2_PORT"),
                   "Keycloak node 2 management": (settings.management_2_port, "IDP_MANAGEMENT_2_PORT"),
                   "Keycloak node 2 cluster transport": (settings.cluster_port + 1, "IDP_CLUSTER_PORT")}
    processes.require_free_ports(wanted)
    installation = install(settings, console, postgres=True)
    with console.status("Starting PostgreSQL"):
        server = database_server(settings)
    info: dict = {"profile": profile, "nodes": count, **recorded_ports(settings),
                  "public_url": settings.keycloak_public_url, "postgres_data": str(postgres_data(state)),
                  "keycloak_pid": None}
    write_stack(state, info)
    info["service_pid"], info["worker_pid"] = start_service_workers(settings, server, console)
    write_stack(state, info)
    for node in nodes(settings, count):
        info[node.pid_key] = start_keycloak_node(settings, installation, server, node, console)
        write_stack(state, info)
    return True
