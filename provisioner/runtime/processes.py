"""Starting, watching and stopping the stack's background processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import requests

from provisioner.errors import RuntimeFailure


def pid_alive(pid: int | None) -> bool:
    """True if a process with this pid exists and is not a zombie."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    """True if something already listens on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def require_free_ports(ports: dict[str, tuple[int, str]]) -> None:
    """Fail with one message naming every taken port and the variable that moves it."""
    taken = [f"{what} port {port} (set {env_name} to move it)"
             for what, (port, env_name) in ports.items() if port_in_use(port)]
    if taken:
        raise RuntimeFailure(
            "Already in use on 127.0.0.1: " + "; ".join(taken) + ".",
            "Stop what uses it (`ss -ltnp` shows it) or choose other ports, e.g. IDP_KEYCLOAK_PORT=18080 idp up.",
        )


def spawn(command: list[str], env: dict[str, str], log: Path, cwd: Path) -> int:
    """Start a detached process writing to log; returns its pid."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    return proc.pid


def http_ok(url: str) -> bool:
    """True if url answers 2xx within a short timeout."""
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


def wait_until(ready: Callable[[], bool], pid: int, what: str, log: Path, timeout: float) -> None:
    """Poll ready() until true; fail early if the process died, or after timeout seconds."""
    deadline = time.monotonic() + timeout
    delay = 0.2
    while time.monotonic() < deadline:
        if ready():
            return
        if not pid_alive(pid):
            raise RuntimeFailure(f"{what} exited during start-up. Last lines of {log}:\n{_tail(log)}")
        time.sleep(delay)
        delay = min(delay * 1.5, 2.0)
    raise RuntimeFailure(f"{what} was not ready after {timeout:.0f} s. Last lines of {log}:\n{_tail(log)}")


def stop(pid: int | None, timeout: float = 60) -> bool:
    """Stop a process group gracefully (SIGTERM, then SIGKILL); True if something was stopped."""
    if not pid_alive(pid):
        return False
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pid_alive(pid):
        time.sleep(0.2)
    if pid_alive(pid):
        os.killpg(pid, signal.SIGKILL)
    return True


def _tail(log: Path, lines: int = 20) -> str:
    if not log.exists():
        return "(no log written)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
