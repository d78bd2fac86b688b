"""A throwaway PostgreSQL server from Debian's binaries, on a free loopback port."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from provisioner.runtime.postgres import as_server_user, bindir
from tests.support.net import free_port


@contextmanager
def running_postgres() -> Iterator[str]:
    """Yield a SQLAlchemy URL of a fresh cluster (trust auth on 127.0.0.1 only); stop and delete it after."""
    binaries = bindir()
    root = Path(tempfile.mkdtemp(prefix="idp-pg-"))
    data = root / "data"
    port = free_port()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chmod(root, 0o755)
        data.mkdir(mode=0o700)
        os.chown(data, user.pw_uid, user.pw_gid)
    subprocess.run(as_server_user([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                 "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
    subprocess.run(as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(data / "log"),
                                 "-w", "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
