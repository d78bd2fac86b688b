"""The comparison signin_cost avoids, reported for its spread: Keycloak CPU per password login in a
Keycloak with our extension (its listener and password policies on in the realm) against a plain
Keycloak (the same distribution, no extension), each side restarted several times. Over 80% of a
login is Argon2, and whether the JIT inlines its loop differs between JVMs, so the spread between
restarts of the same side is the point: it is larger than what our parts cost.

Run with the local stack down (it takes the same cores): .venv/bin/python -m benchmarks two_jvm
[restarts=3] [logins=60]. Each side runs from its own copy of the installed distribution, on ports
18080/19000, with its own database; all of it is deleted at the end.
"""

from __future__ import annotations

import base64
import os
import secrets
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
import requests

from benchmarks._stack import cpu_seconds
from contract.names import WEBHOOK_LISTENER
from provisioner.admin_api import connect
from provisioner.runtime import build, distribution
from provisioner.runtime.java import find_java
from provisioner.runtime.stack import running
from provisioner.settings import Settings

PORT, MANAGEMENT = 18080, 19000
WARM_UP = 100
PASSWORD = "Sunny-Harbor7"
POLICY = ("length(8) and maxLength(64) and idp-latin-upper(1) and idp-latin-lower(1) and idp-digit-or-symbol(1) "
          "and idp-allowed-characters(1) and idp-no-repeating-groups(2) and notEmail(undefined)")


def _home(settings: Settings, java_home: Path, folder: Path, with_extension: bool) -> Path:
    """A copy of the installed distribution, built with or without our extension."""
    source = distribution.ensure_unpacked(settings.cache_dir, settings.state_dir, "")
    home = folder / ("ours" if with_extension else "plain")
    shutil.copytree(source, home, symlinks=True, ignore=shutil.ignore_patterns("data", "log"))
    (home / ".idp-build-stamp").unlink(missing_ok=True)
    jars = [build.ensure_extension(settings.home, source, java_home, folder)] if with_extension else []
    build.ensure_built(home, jars, java_home, folder, build.BUILD_OPTIONS)
    return home


class _Sink:
    """Where the listener delivers: answers 200 to everything, so the send path is the real one."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/events/keycloak"


def _start(home: Path, java_home: Path, admin_password: str, sink: _Sink) -> subprocess.Popen:
    env = {**os.environ, "JAVA_HOME": str(java_home), "KC_BOOTSTRAP_ADMIN_USERNAME": "admin",
           "KC_BOOTSTRAP_ADMIN_PASSWORD": admin_password, "IDP_WEBHOOK_URL": sink.url,
           "IDP_WEBHOOK_SECRET": "whsec_" + base64.b64encode(os.urandom(32)).decode()}
    command = [str(home / "bin" / "kc.sh"), "start", "--optimized", "--http-enabled=true", "--http-host=127.0.0.1",
               f"--http-port={PORT}", f"--http-management-port={MANAGEMENT}",
               f"--hostname=http://127.0.0.1:{PORT}", "--cache=local",
               f"--db-url=jdbc:h2:file:{home / 'data' / 'bench'};NON_KEYWORDS=VALUE", "--log=file",
               f"--log-file={home / 'keycloak.log'}"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{MANAGEMENT}/health/ready", timeout=2).ok:
                return process
        except requests.RequestException:
            pass
        if process.poll() is not None:
            raise SystemExit(f"Keycloak in {home} stopped while starting; see {home / 'keycloak.log'}")
        time.sleep(0.5)
    raise SystemExit(f"Keycloak in {home} did not become ready in 300 s")


def _stop(process: subprocess.Popen) -> None:
    for child in psutil.Process(process.pid).children(recursive=True):
        child.terminate()
    process.terminate()
    process.wait(timeout=60)


def _realm(admin_password: str, ours: bool) -> str:
    admin = connect(f"http://127.0.0.1:{PORT}", "admin", admin_password)
    realm = "bench"
    if realm not in {r["realm"] for r in admin.get_realms()}:
        admin.create_realm({"realm": realm, "enabled": True, "eventsEnabled": True,
                            "eventsListeners": ["jboss-logging", *([WEBHOOK_LISTENER] if ours else [])],
                            "passwordPolicy": POLICY if ours else ""})
        admin.change_current_realm(realm)
        admin.create_client({"clientId": "bench-direct", "publicClient": True, "directAccessGrantsEnabled": True,
                             "standardFlowEnabled": False})
        admin.create_user({"username": "bench@example.test", "email": "bench@example.test", "enabled": True,
                           "emailVerified": True, "firstName": "Bench", "lastName": "Mark",
                           "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}]})
    return f"http://127.0.0.1:{PORT}/realms/{realm}/protocol/openid-connect/token"


def _logins(process: psutil.Process, url: str, count: int) -> float:
    session = requests.Session()
    body = {"grant_type": "password", "client_id": "bench-direct", "username": "bench@example.test",
            "password": PASSWORD}
    before = cpu_seconds(process)
    for _ in range(count):
        if session.post(url, data=body, timeout=30).status_code != 200:
            raise SystemExit("a bench login was refused")
    return (cpu_seconds(process) - before) / count


def main(restarts: int = 3, logins: int = 60) -> None:
    settings = Settings.from_env()
    if running(settings):
        raise SystemExit("Stop the local stack first (`idp down`): both would share the same two cores.")
    java_home, _ = find_java(settings.java_home)
    folder = Path(tempfile.mkdtemp(prefix="idp-two-jvm-"))
    password = secrets.token_urlsafe(16)
    results: dict[str, list[float]] = {"plain": [], "ours": []}
    sink = _Sink()
    try:
        homes = {"plain": _home(settings, java_home, folder, False), "ours": _home(settings, java_home, folder, True)}
        for restart in range(restarts):
            for side in (("plain", "ours") if restart % 2 == 0 else ("ours", "plain")):
                process = _start(homes[side], java_home, password, sink)
                try:
                    url = _realm(password, side == "ours")
                    keycloak = psutil.Process(process.pid)
                    _logins(keycloak, url, WARM_UP)
                    results[side].append(_logins(keycloak, url, logins))
                finally:
                    _stop(process)
        for side, values in results.items():
            print(f"  {side:<5} Keycloak: CPU per login over {restarts} restarts: median "
                  f"{statistics.median(values) * 1000:.1f} ms, from {min(values) * 1000:.1f} to "
                  f"{max(values) * 1000:.1f} ms")
        ratios = sorted(o / p for o in results["ours"] for p in results["plain"])
        print(f"  ours / plain: median {statistics.median(ratios):.2f}x, every pairing from {ratios[0]:.2f}x to "
              f"{ratios[-1]:.2f}x (signin_cost measures inside one process instead)")
    finally:
        sink.server.shutdown()
        shutil.rmtree(folder, ignore_errors=True)
