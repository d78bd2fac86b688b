"""Builds our Keycloak extension (Maven) and runs `kc.sh build` only when their inputs change."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from provisioner.errors import RuntimeFailure
from provisioner.runtime.distribution import KEYCLOAK_VERSION

EXTENSION_JAR = "idp-keycloak-extensions.jar"
# Build-time options of the local server; runtime options are passed at start (see stack.py).
# Metrics (with user-event counters: logins, failures, registrations per realm) are on in every
# stack, served on the management port next to health.
METRICS_OPTIONS = ("--metrics-enabled=true", "--event-metrics-user-enabled=true")
BUILD_OPTIONS = ("--db=dev-file", "--health-enabled=true", *METRICS_OPTIONS)
# The production profile's server (see production.py): PostgreSQL, as the compose file's image.
POSTGRES_BUILD_OPTIONS = ("--db=postgres", "--health-enabled=true", *METRICS_OPTIONS)


def _tree_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _run(command: list[str], log: Path, env: dict[str, str], cwd: Path, what: str) -> None:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        result = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise RuntimeFailure(f"{what} failed (exit {result.returncode}). Last lines of {log}:\n{tail}")


def ensure_extension(project: Path, keycloak_home: Path, java_home: Path, log_dir: Path) -> Path:
    """The extension jar, rebuilt by Maven when extensions/ sources or pom.xml changed."""
    module = project / "extensions"
    jar = module / "target" / EXTENSION_JAR
    stamp = module / "target" / ".idp-inputs"
    inputs = [module / "pom.xml", *(p for p in (module / "src" / "main").rglob("*") if p.is_file())]
    wanted = _tree_digest(inputs)
    if jar.exists() and stamp.exists() and stamp.read_text() == wanted:
        return jar
    mvn = shutil.which("mvn")
    if mvn is None:
        raise RuntimeFailure("Maven (mvn) is not installed; it builds the Keycloak extension.",
                             "Install it, for example `apt-get install maven`.")
    command = [mvn, "-B", "-q", "-DskipTests", f"-Dkeycloak.version={KEYCLOAK_VERSION}",
               f"-Dkeycloak.home={keycloak_home}", "package"]
    _run(command, log_dir / "maven.log", {**os.environ, "JAVA_HOME": str(java_home)}, module,
         "Building the Keycloak extension with Maven")
    stamp.write_text(wanted)
    return jar


def ensure_built(keycloak_home: Path, providers: list[Path], java_home: Path, log_dir: Path,
                 options: tuple[str, ...] = BUILD_OPTIONS) -> bool:
    """Copy providers in and run `kc.sh build` if version, options or providers changed; True if it ran."""
    digest = hashlib.sha256(KEYCLOAK_VERSION.encode() + "\0".join(options).encode())
    for jar in sorted(providers):
        digest.update(jar.name.encode() + jar.read_bytes())
    stamp = keycloak_home / ".idp-build-stamp"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return False
    target = keycloak_home / "providers"
    for old in target.glob("*.jar"):
        old.unlink()
    for jar in providers:
        shutil.copy2(jar, target / jar.name)
    env = {**os.environ, "JAVA_HOME": str(java_home)}
    _run([str(keycloak_home / "bin" / "kc.sh"), "build", *options], log_dir / "kc-build.log", env,
         keycloak_home, "kc.sh build")
    stamp.write_text(digest.hexdigest())
    return True


def link_themes(keycloak_home: Path, themes_dir: Path) -> None:
    """Link each theme folder into the server; Keycloak reads themes at runtime, no build needed."""
    for theme in themes_dir.iterdir():
        if not theme.is_dir():
            continue
        link = keycloak_home / "themes" / theme.name
        if link.is_symlink() and link.resolve() == theme.resolve():
            continue
        if link.is_symlink() or link.exists():
            link.unlink() if link.is_symlink() else shutil.rmtree(link)
        link.symlink_to(theme.resolve(), target_is_directory=True)
