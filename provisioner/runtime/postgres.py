"""A PostgreSQL server of the machine's own binaries (Debian's `postgresql`), on loopback, for the
production profile: one data folder under the state dir, one database and owner each for Keycloak
and the service, passwords generated and kept beside the other local secrets (mode 0600)."""

from __future__ import annotations

import glob
import json
import os
import pwd
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from provisioner.errors import RuntimeFailure

SUPERUSER = "postgres"
# Database and owner of each part; the names the compose file's init script uses too.
DATABASES = {"keycloak": "keycloak", "service": "idp_service"}


def bindir() -> Path:
    """The newest installed server's bin folder."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if not found:
        raise RuntimeFailure("PostgreSQL's server is not installed; the production profile runs on it.",
                             "Install it with scripts/system-packages.sh (Debian's postgresql package).")
    return Path(found[-1])


def as_server_user(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: as root, run them as the `postgres` account."""
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    if not Path(runuser).exists():
        raise RuntimeFailure("As root, PostgreSQL is run through `runuser` (util-linux), which was not found.",
                             "Install util-linux, or run idp as an ordinary user.")
    return [runuser, "-u", SUPERUSER, "--", *command]


def _run(command: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(as_server_user(command), capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        raise RuntimeFailure(f"{what} failed (exit {result.returncode}): {(result.stderr or result.stdout).strip()}")
    return result


@dataclass(frozen=True)
class Passwords:
    """Generated passwords of the superuser and of each part's owner."""

    superuser: str
    owners: dict[str, str]


def passwords(root: Path) -> Passwords:
    """Read the cluster's passwords, generating them (mode 0600) on first use."""
    path = root / "postgres.json"
    if not path.exists():
        data = {"superuser": secrets.token_urlsafe(24),
                "owners": {part: secrets.token_urlsafe(24) for part in DATABASES}}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(data, out)
    saved = json.loads(path.read_text())
    return Passwords(saved["superuser"], saved["owners"])


@dataclass(frozen=True)
class PostgresServer:
    """A data folder and the loopback port its server listens on."""

    data: Path
    port: int
    passwords: Passwords

    def url(self, part: str, driver: str = "postgresql+psycopg") -> str:
        """SQLAlchemy URL of a part's database as its owner."""
        return f"{driver}://{DATABASES[part]}:{self.passwords.owners[part]}@127.0.0.1:{self.port}/{DATABASES[part]}"

    @property
    def jdbc_url_of_keycloak(self) -> str:
        return f"jdbc:postgresql://127.0.0.1:{self.port}/{DATABASES['keycloak']}"

    def superuser_env(self) -> dict[str, str]:
        return {**os.environ, "PGHOST": "127.0.0.1", "PGPORT": str(self.port), "PGUSER": SUPERUSER,
                "PGPASSWORD": self.passwords.superuser}


def _give_to_server_user(path: Path) -> None:
    if os.geteuid() == 0:
        account = pwd.getpwnam(SUPERUSER)
        os.chown(path, account.pw_uid, account.pw_gid)


def _open_the_way(data: Path) -> None:
    """As root, the server account must reach its data folder inside the state dir: let others pass
    through (never list) the state dir and its data folder (every secret file in them is 0600), and
    check that every folder above lets them pass too."""
    if os.geteuid() != 0:
        return
    state_root = data.parent.parent
    for folder in (data.parent, state_root):
        os.chmod(folder, 0o711)
    for folder in state_root.resolve().parents:
        if not folder.stat().st_mode & 0o001:
            raise RuntimeFailure(
                f"PostgreSQL runs as the `{SUPERUSER}` account, which cannot pass through {folder} to reach "
                f"its data in {data}.",
                "Put the state dir (IDP_STATE_DIR) under a folder others may pass through, e.g. /srv or /tmp, "
                "or run idp as an ordinary user.")


def initialise(data: Path, password: str) -> None:
    """A new cluster: password (SCRAM) logins only, UTF-8."""
    data.parent.mkdir(parents=True, exist_ok=True)
    _open_the_way(data)
    data.mkdir(mode=0o700)
    _give_to_server_user(data)
    pwfile = data.parent / f".{data.name}-superuser-password"  # initdb wants its folder empty
    fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(password + "\n")
    _give_to_server_user(pwfile)
    try:
        _run([str(bindir() / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=scram-sha-256",
              f"--pwfile={pwfile}", "-E", "UTF8", "--no-sync"], "initdb")
    finally:
        pwfile.unlink(missing_ok=True)


def start(data: Path, port: int, log: Path) -> None:
    """Start the server on 127.0.0.1:port (no Unix socket) and wait until it accepts connections."""
    _open_the_way(data)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.touch()
    _give_to_server_user(log)
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
    _run([str(bindir() / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "120", "start"],
         f"Starting PostgreSQL (log: {log})")


def is_running(data: Path) -> bool:
    """True if a server runs on this data folder (a stale pid file after a crash does not count)."""
    if not (data / "postmaster.pid").exists():
        return False
    _open_the_way(data)
    return subprocess.run(as_server_user([str(bindir() / "pg_ctl"), "-D", str(data), "status"]),
                          capture_output=True, check=False).returncode == 0


def stop(data: Path) -> bool:
    """Stop the server (fast shutdown); True if one was running."""
    if not is_running(data):
        return False
    result = subprocess.run(as_server_user([str(bindir() / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                            capture_output=True, text=True, check=False)
    return result.returncode == 0


def ensure_databases(server: PostgresServer) -> None:
    """Each part's owner and database, created when missing (passwords kept in step)."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(host="127.0.0.1", port=server.port, user=SUPERUSER, password=server.passwords.superuser,
                         dbname="postgres", autocommit=True) as connection:
        for part, name in DATABASES.items():
            password = server.passwords.owners[part]
            exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
            verb = "ALTER" if exists else "CREATE"
            connection.execute(sql.SQL(verb + " ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(name), sql.Literal(password)))
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                connection.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name),
                                                                                 sql.Identifier(name)))


def ensure_running(root: Path, data: Path, port: int, log: Path) -> PostgresServer:
    """The state dir's server, initialised on first use, started, with both databases."""
    server = PostgresServer(data, port, passwords(root))
    if not (data / "PG_VERSION").exists():
        initialise(data, server.passwords.superuser)
    if not is_running(data):
        start(data, port, log)
    ensure_databases(server)
    return server
