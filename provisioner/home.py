"""Where the project, its state dir and its tenant YAML are: the rule Settings, the early sign-in and
`--skip-unchanged` follow.

Standard library only (pathlib, no dataclasses): provisioner/early_start.py reads it before the sign-in
starts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def find_home(start: Path) -> Path:
    """The project folder: the nearest parent holding idp-config/, else the package's checkout."""
    for folder in (start, *start.parents):
        if (folder / "idp-config").is_dir():
            return folder
    return Path(__file__).resolve().parents[1]


def project_home(env: Mapping[str, str]) -> Path:
    """IDP_HOME, else the project folder found from the working directory."""
    return Path(env["IDP_HOME"]).resolve() if env.get("IDP_HOME") else find_home(Path.cwd())


def _folder(env: Mapping[str, str], variable: str, name: str, home: Path | None) -> Path:
    """The folder the variable names, else `name` in the project folder (found only if needed)."""
    return Path(env.get(variable) or (home or project_home(env)) / name).resolve()


def state_folder(env: Mapping[str, str], home: Path | None = None) -> Path:
    """IDP_STATE_DIR, else `.idp` in the project folder."""
    return _folder(env, "IDP_STATE_DIR", ".idp", home)


def config_folder(env: Mapping[str, str], home: Path | None = None) -> Path:
    """IDP_CONFIG_DIR, else `idp-config` in the project folder: the tenant YAML."""
    return _folder(env, "IDP_CONFIG_DIR", "idp-config", home)
