"""`idp backup` / `idp restore`: the local stack's databases and the secrets that go with them, in
one archive (mode 0600: it holds the admin password and the shared secrets).

- production profile: `pg_dump` of Keycloak's and the service's databases while PostgreSQL runs;
  restored with `pg_restore` into a fresh cluster of a fresh state dir.
- dev profile: the stopped stack's files (Keycloak's H2 database, the service's SQLite database).

A restore needs a state dir with no data yet, so it never overwrites a running or existing stack.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from provisioner.errors import IdpError, RuntimeFailure
from provisioner.runtime import postgres
from provisioner.runtime.distribution import KEYCLOAK_VERSION
from provisioner.runtime.stack import running
from provisioner.runtime.state import StateDir, read_stack
from provisioner.settings import Settings

FORMAT = 1
SECRETS = ("admin.json", "secrets.json")  # the admin lives in Keycloak's database; the service's client secret too


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _profile(settings: Settings) -> str:
    """The profile of the stack in the state dir: recorded while it runs, else told by its data."""
    state = StateDir(settings.state_dir)
    info = read_stack(state)
    if info:
        return info.get("profile", "dev")
    return "production" if (state.data / "postgres" / "PG_VERSION").exists() else "dev"


def backup(settings: Settings, output: Path, console: Console) -> Path:
    """Write the archive; production needs its PostgreSQL running, dev needs the stack stopped."""
    state = StateDir(settings.state_dir)
    if output.exists():
        raise IdpError(f"{output} exists already; a backup never overwrites a file.", "Choose another --output.")
    profile = _profile(settings)
    manifest = {"format": FORMAT, "profile": "dev" if profile == "dev" else "production",
                "keycloak": KEYCLOAK_VERSION, "created": datetime.now(UTC).isoformat(timespec="seconds")}
    output.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            for name in SECRETS:
                if (state.root / name).exists():
                    _add_bytes(archive, name, (state.root / name).read_bytes())
            if manifest["profile"] == "production":
                _dump_databases(state, settings, archive, console)
            else:
                if running(settings):
                    raise IdpError("The dev stack's databases are files that Keycloak keeps open.",
                                   "Stop it with `idp down`, back up, then `idp up` again.")
                archive.add(state.data, arcname="data", filter=_without_postgres)
    except BaseException:
        output.unlink(missing_ok=True)
        raise
    return output


def _without_postgres(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
    return None if info.name.startswith("data/postgres") else info


def _server(settings: Settings, state: StateDir) -> postgres.PostgresServer:
    data = state.data / "postgres"
    if not postgres.is_running(data):
        raise IdpError("PostgreSQL of the production profile is not running, so it cannot be dumped.",
                       "Start the stack with `idp up --profile production` (or cluster), then back up.")
    port = int((read_stack(state) or {}).get("postgres_port", settings.postgres_port))
    return postgres.PostgresServer(data, port, postgres.passwords(state.root))


def _dump_databases(state: StateDir, settings: Settings, archive: tarfile.TarFile, console: Console) -> None:
    server = _server(settings, state)
    for part, database in postgres.DATABASES.items():
        with console.status(f"pg_dump {database}"):
            result = subprocess.run([str(postgres.bindir() / "pg_dump"), "--format=custom", "--no-owner",
                                     "--dbname", database], env=server.superuser_env(), capture_output=True,
                                    check=False)
        if result.returncode != 0:
            raise RuntimeFailure(f"pg_dump of {database} failed: {result.stderr.decode(errors='replace').strip()}")
        _add_bytes(archive, f"{part}.dump", result.stdout)


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for member in members:
        if member.name.startswith(("/", "..")) or ".." in Path(member.name).parts or member.issym() or member.islnk():
            raise IdpError(f"The archive holds an unsafe entry ({member.name!r}); nothing was restored.",
                           "Restore only archives written by `idp backup`.")
    return members


def restore(settings: Settings, source: Path, console: Console) -> str:
    """Unpack an archive into this (fresh) state dir; returns the profile to start it with."""
    state = StateDir(settings.state_dir)
    if not source.is_file():
        raise IdpError(f"{source} is not a file.", "Give the path of an archive written by `idp backup`.")
    existing = [p for p in (state.data, *(state.root / n for n in SECRETS)) if p.exists() and any(_files(p))]
    if existing:
        raise IdpError(f"{state.root} already holds a stack ({existing[0]}); a restore never overwrites one.",
                       "Restore into a fresh state dir: IDP_STATE_DIR=/path/to/new idp restore FILE.")
    try:
        archive = tarfile.open(source, mode="r:gz")  # noqa: SIM115  (closed by the with below)
    except (tarfile.TarError, OSError) as exc:
        raise IdpError(f"{source} is not an `idp backup` archive ({exc}).", "Check the file's path.") from exc
    with archive, tempfile.TemporaryDirectory() as scratch:
        members = _safe_members(archive)
        names = {m.name for m in members}
        if "manifest.json" not in names:
            raise IdpError(f"{source} has no manifest.json: it was not written by `idp backup`.",
                           "Give the path of an archive written by `idp backup`.")
        manifest = json.loads(archive.extractfile("manifest.json").read())
        if manifest.get("format") != FORMAT or manifest.get("keycloak") != KEYCLOAK_VERSION:
            raise IdpError(f"{source} was written for Keycloak {manifest.get('keycloak')} (format "
                           f"{manifest.get('format')}); this idp runs Keycloak {KEYCLOAK_VERSION}.",
                           "Restore it with the idp version that wrote it, then upgrade that stack.")
        archive.extractall(scratch, members=members, filter="data")
        state.ensure()
        for name in SECRETS:
            if (Path(scratch) / name).exists():
                target = state.root / name
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    out.write((Path(scratch) / name).read_bytes())
        if manifest["profile"] == "production":
            _restore_databases(settings, state, Path(scratch), console)
        else:
            shutil.copytree(Path(scratch) / "data", state.data, dirs_exist_ok=True)
    return manifest["profile"]


def _files(path: Path):
    return [path] if path.is_file() else path.rglob("*")


def _restore_databases(settings: Settings, state: StateDir, scratch: Path, console: Console) -> None:
    data = state.data / "postgres"
    with console.status("Creating a fresh PostgreSQL cluster"):
        server = postgres.ensure_running(state.root, data, settings.postgres_port, state.logs / "postgres.log")
    try:
        for part, database in postgres.DATABASES.items():
            with console.status(f"pg_restore {database}"):
                result = subprocess.run([str(postgres.bindir() / "pg_restore"), "--no-owner", f"--role={database}",
                                         "--exit-on-error", "--dbname", database, str(scratch / f"{part}.dump")],
                                        env=server.superuser_env(), capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise RuntimeFailure(f"pg_restore into {database} failed: {result.stderr.strip()[-2000:]}")
        _leave_the_old_cluster(server)
    finally:
        postgres.stop(data)


# The restored copy must never join the cluster it was copied from: Keycloak's nodes find each other
# through the JGROUPS_PING table and trust each other through the JGroups certificate, and both came
# along in the dump. Without them the copy's nodes announce themselves afresh and make a new
# certificate, which the old cluster does not know.
FORGET_OLD_CLUSTER = """
DELETE FROM server_config WHERE server_config_key = 'crt_jgroups';
DO $$ BEGIN
  IF to_regclass('jgroups_ping') IS NOT NULL THEN DELETE FROM jgroups_ping; END IF;
END $$;
"""


def _leave_the_old_cluster(server: postgres.PostgresServer) -> None:
    result = subprocess.run([str(postgres.bindir() / "psql"), "--no-psqlrc", "--set=ON_ERROR_STOP=1", "--quiet",
                             "--dbname", postgres.DATABASES["keycloak"], "--command", FORGET_OLD_CLUSTER],
                            env=server.superuser_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeFailure(f"clearing the old cluster's membership from the restored Keycloak database failed: "
                             f"{result.stderr.strip()[-2000:]}")
