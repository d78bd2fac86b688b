"""stripe-mock (Stripe's own API double, validating every request against Stripe's OpenAPI spec),
built from the Go module proxy on first use and run on loopback. Its answers come from fixtures, so
a test picks the outcome (succeeded, 3-D Secure, declined) by starting it with edited fixtures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import requests

from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]
VERSION = "v0.203.0"
MODULE = "github.com/stripe/stripe-mock"
GO_CANDIDATES = ("go", "/usr/local/go/bin/go", "/usr/lib/go/bin/go")


def _go() -> str:
    for candidate in GO_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise RuntimeError("The Stripe adapter's tests need Go to build stripe-mock from the Go module proxy; "
                       "install Go (https://go.dev/dl/ or Debian's golang-go) and run the tests again.")


def _state_dir() -> Path:
    return Path(os.environ.get("IDP_TEST_STATE_DIR") or ROOT / ".idp-test")


def binary() -> Path:
    """stripe-mock at the pinned version, built once into the test state dir."""
    target = _state_dir() / "bin" / f"stripe-mock-{VERSION}"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    build = _state_dir() / "bin" / "go-build"
    env = {**os.environ, "GOBIN": str(build), "GOFLAGS": "-mod=mod"}
    subprocess.run([_go(), "install", f"{MODULE}@{VERSION}"], env=env, check=True, timeout=900,
                   capture_output=True)
    shutil.move(build / "stripe-mock", target)
    return target


def _module_dir() -> Path:
    """The module's source folder. Asked of `go mod download` rather than assumed in the module cache:
    the binary may be built already (in the test state dir) on a machine whose cache is empty."""
    done = subprocess.run([_go(), "mod", "download", "-json", f"{MODULE}@{VERSION}"], capture_output=True,
                          text=True, timeout=900, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Go could not download {MODULE}@{VERSION} from the Go module proxy "
                           f"(check GOPROXY and the network): {(done.stdout + done.stderr)[-500:]}")
    return Path(json.loads(done.stdout)["Dir"])


def stock_fixtures() -> dict:
    """The fixtures stripe-mock ships, from its module's source."""
    return json.loads((_module_dir() / "embedded" / "openapi" / "fixtures3.json").read_text())


def fixtures_with_intent(status: str, **intent: object) -> dict:
    """Stock fixtures whose PaymentIntents answer with this status (and these fields)."""
    fixtures = stock_fixtures()
    fixtures["resources"]["payment_intent"].update({"status": status, "next_action": None,
                                                    "last_payment_error": None, **intent})
    return fixtures


class StripeMock:
    """One stripe-mock process on loopback; `url` is its HTTP API base."""

    def __init__(self, fixtures: dict, workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self._fixtures = workdir / "fixtures.json"
        self._fixtures.write_text(json.dumps(fixtures))
        self.url = ""
        self._log = (workdir / "stripe-mock.log").open("wb")
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> StripeMock:
        # Ports picked only now, after the mocks started before this one hold theirs (picked all up
        # front, a later pick could hand out a port an earlier mock was about to bind). Both
        # listeners on loopback: by default its HTTPS one listens on every interface.
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._process = subprocess.Popen(
            [str(binary()), "-http-addr", f"127.0.0.1:{port}", "-https-addr", f"127.0.0.1:{free_port()}",
             "-fixtures", str(self._fixtures)], stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"stripe-mock exited with {self._process.returncode}; see {self._log.name}")
            try:
                if requests.get(f"{self.url}/v1/customers", auth=("sk_test_ready", ""), timeout=2).ok:
                    return self
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("stripe-mock did not answer within 60 s")

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
        self._log.close()
