"""Finds a JDK Keycloak can run on: JAVA_HOME if set, else the newest installed one >= 17."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from provisioner.errors import RuntimeFailure

MINIMUM_JAVA = 17
_JVM_DIRS = (Path("/usr/lib/jvm"), Path("/usr/java"), Path("/opt/java"))


def java_major(java_home: Path) -> int | None:
    """The major version of the JDK at java_home, read from its `release` file."""
    release = java_home / "release"
    if not release.is_file() or not (java_home / "bin" / "java").exists():
        return None
    match = re.search(r'^JAVA_VERSION="(\d+)', release.read_text(errors="replace"), re.MULTILINE)
    return int(match.group(1)) if match else None


def _candidates() -> list[Path]:
    found = [p for d in _JVM_DIRS if d.is_dir() for p in d.iterdir() if p.is_dir() and not p.is_symlink()]
    on_path = shutil.which("java")
    if on_path:
        found.append(Path(on_path).resolve().parents[1])
    return found


def find_java(java_home: Path | None) -> tuple[Path, int]:
    """Return (JAVA_HOME, major version) or raise one clear sentence saying what to install."""
    if java_home is not None:
        major = java_major(java_home)
        if major is None:
            raise RuntimeFailure(
                f"JAVA_HOME={java_home} is not a JDK (no bin/java or release file there).",
                "Point JAVA_HOME at a JDK 17 or newer, or unset it to let idp pick one.",
            )
        if major < MINIMUM_JAVA:
            raise RuntimeFailure(
                f"JAVA_HOME={java_home} is Java {major}; Keycloak needs Java {MINIMUM_JAVA} or newer.",
                "Point JAVA_HOME at a JDK 17, 21 or 25, or unset it to let idp pick one.",
            )
        return java_home, major
    usable = [(major, home) for home in _candidates() if (major := java_major(home)) and major >= MINIMUM_JAVA]
    if not usable:
        raise RuntimeFailure(
            f"No Java {MINIMUM_JAVA} or newer was found; Keycloak needs one.",
            "Install a JDK (for example `apt-get install openjdk-17-jdk-headless`) or set JAVA_HOME.",
        )
    major, home = max(usable)
    return home, major
