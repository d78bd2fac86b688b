"""docker-compose.yml, checked with a real Compose implementation's parser (Debian's docker-compose
`config`; no container engine runs here): both profiles resolve with a .env from `idp env`, every
long-running service has a healthcheck and waits for healthy dependencies, no secret is written in
the file, every variable passed is one Keycloak or our code really reads, and the image's Keycloak
is the pinned one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from provisioner.runtime.distribution import KEYCLOAK_VERSION
from provisioner.runtime.java import find_java

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = shutil.which("docker-compose")
POSTGRES_IMAGE_VARIABLES = {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"}


def _env_file(tmp_path: Path) -> Path:
    path = tmp_path / ".env"
    result = subprocess.run([sys.executable, "-m", "provisioner.cli_main", "env", "--output", str(path),
                             "--keycloak-url", "https://id.example.com", "--service-url", "https://signup.example.com"],
                            capture_output=True, text=True, timeout=60, check=False,
                            env={**os.environ, "IDP_HOME": str(ROOT)})
    assert result.returncode == 0, result.stderr
    return path


def _config(env_file: Path | None, *profile: str) -> subprocess.CompletedProcess:
    if COMPOSE is None:
        raise RuntimeError("docker-compose not found; run scripts/system-packages.sh (Debian package docker-compose)")
    args = [COMPOSE, "--project-directory", str(ROOT), "-f", str(ROOT / "docker-compose.yml")]
    if env_file is not None:
        args += ["--env-file", str(env_file)]
    return subprocess.run([*args, *profile, "config"], capture_output=True, text=True, timeout=60, check=False,
                          env={k: v for k, v in os.environ.items() if not k.startswith(("IDP_", "KC_"))})


@pytest.fixture(scope="module")
def resolved(tmp_path_factory) -> dict:
    result = _config(_env_file(tmp_path_factory.mktemp("compose")), "--profile", "cluster")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_both_profiles_resolve_and_wait_for_healthy_dependencies(resolved, tmp_path):
    assert _config(_env_file(tmp_path)).returncode == 0
    services = resolved["services"]
    assert {name for name, s in services.items() if not s.get("profiles")} == {
        "postgres", "keycloak", "migrate", "service", "worker", "apply", "mail"}
    assert {name for name, s in services.items() if s.get("profiles") == ["cluster"]} == {"keycloak-2", "proxy"}
    one_shot = {"apply", "migrate"}
    for name, service in resolved["services"].items():
        if name not in one_shot:
            assert "healthcheck" in service, f"{name} has no healthcheck"
        for needed, dependency in (service.get("depends_on") or {}).items():
            wanted = "service_completed_successfully" if needed in one_shot else "service_healthy"
            assert dependency["condition"] == wanted, name
    assert resolved["services"]["apply"]["command"] == ["idp", "apply"]
    # Migrations run once, before gunicorn's workers start; the reconciler runs once, beside them.
    assert resolved["services"]["migrate"]["command"] == ["python", "-m", "webhooks", "migrate"]
    assert resolved["services"]["service"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert resolved["services"]["worker"]["command"] == ["python", "-m", "webhooks", "worker"]
    assert "postgres-data" in resolved["volumes"]


def test_without_a_dot_env_it_says_how_to_make_one():
    result = _config(None)
    assert result.returncode != 0 and "run `idp env > .env` first" in result.stderr


def test_no_secret_is_written_in_the_file():
    raw = yaml.safe_load((ROOT / "docker-compose.yml").read_text())

    def values(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield key, value
                yield from values(value)
        elif isinstance(node, list):
            for item in node:
                yield from values(item)

    for key, value in values(raw):
        if isinstance(key, str) and re.search(r"PASSWORD|SECRET|TOKEN|KEY$", key) and isinstance(value, str):
            assert value.startswith("${") or value in ("", "admin"), f"{key} holds a literal: {value!r}"


def _keycloak_options() -> set[str]:
    home = Path(os.environ.get("IDP_TEST_STATE_DIR", ROOT / ".idp-test")) / f"keycloak-{KEYCLOAK_VERSION}"
    if not (home / "bin" / "kc.sh").exists():
        raise RuntimeError(f"Keycloak {KEYCLOAK_VERSION} is not unpacked at {home}; run `make test` (idp install)")
    java_home, _ = find_java(None)
    found = set()
    for command in ("start", "build"):
        text = subprocess.run([str(home / "bin" / "kc.sh"), command, "--help-all"], capture_output=True, text=True,
                              timeout=180, check=False, env={**os.environ, "JAVA_HOME": str(java_home)}).stdout
        found |= {"KC_" + m.upper().replace("-", "_") for m in re.findall(r"^--([a-z0-9-]+)", text, re.M)}
    return found


def _read_by_our_code() -> str:
    sources = [*ROOT.glob("webhooks/**/*.py"), *ROOT.glob("provisioner/**/*.py"), *ROOT.glob("contract/*.py"),
               *ROOT.glob("extensions/src/main/java/**/*.java"), ROOT / "deploy" / "postgres" / "init-databases.sh"]
    return "\n".join(path.read_text() for path in sources)


def test_every_variable_passed_is_really_read(resolved):
    keycloak, ours = _keycloak_options(), _read_by_our_code()
    assert {"KC_DB_URL", "KC_HOSTNAME", "KC_PROXY_HEADERS"} <= keycloak, "the help parse found Keycloak's options"
    for name, service in resolved["services"].items():
        for variable in service.get("environment") or {}:
            if variable.startswith("KC_"):
                assert variable in keycloak, f"{name}: Keycloak has no option {variable}"
            elif variable in POSTGRES_IMAGE_VARIABLES:
                continue
            else:
                assert re.search(rf"[\"'$]{{?{variable}\b", ours), f"{name}: nothing of ours reads {variable}"


def test_the_image_builds_the_pinned_keycloak(resolved):
    dockerfile = (ROOT / "deploy" / "keycloak" / "Dockerfile").read_text()
    assert re.search(r"^ARG KEYCLOAK_VERSION=(\S+)$", dockerfile, re.M).group(1) == KEYCLOAK_VERSION
    assert "start\", \"--optimized" in dockerfile and "kc.sh build" in dockerfile
    assert resolved["services"]["keycloak"]["image"] == f"idp-keycloak:{KEYCLOAK_VERSION}"


def test_idp_env_makes_fresh_secrets_and_never_overwrites(tmp_path):
    def values(path: Path) -> dict[str, str]:
        return dict(line.split("=", 1) for line in path.read_text().splitlines() if not line.startswith("#"))

    (tmp_path / "other").mkdir()
    first, second = values(_env_file(tmp_path)), values(_env_file(tmp_path / "other"))
    assert first["IDP_WEBHOOK_SECRET"].startswith("whsec_")
    assert first["POSTGRES_PASSWORD"] != second["POSTGRES_PASSWORD"], "fresh each time"
    assert oct((tmp_path / ".env").stat().st_mode & 0o777) == "0o600"
    again = subprocess.run([sys.executable, "-m", "provisioner.cli_main", "env", "--output", str(tmp_path / ".env")],
                           capture_output=True, text=True, timeout=60, check=False)
    assert again.returncode != 0 and "is not overwritten" in again.stderr
