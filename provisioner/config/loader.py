"""Loads idp-config/: defaults.yaml merged under each tenants/*.yaml, ${env:...} resolved, validated.

Every problem names the file, the line, the key path and what is wrong.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from contract.onboarding import STEP_MODELS
from provisioner.config.env_refs import ENV_REF
from provisioner.config.model import Tenant
from provisioner.errors import ConfigError

DEFAULTS_FILE = "defaults.yaml"
TENANTS_DIR = "tenants"
KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class SourceFile:
    """A parsed YAML file and the line of every key path in it."""

    path: Path
    data: dict
    lines: dict[KeyPath, int]


def _index_lines(node: yaml.Node, prefix: KeyPath, out: dict[KeyPath, int]) -> None:
    out[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out[(*prefix, key.value)] = key.start_mark.line + 1
            _index_lines(value, (*prefix, key.value), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, (*prefix, i), out)


# libyaml's parser where PyYAML was built with it: the same safe subset, read about five times
# faster, and a tenant's YAML is read twice (the data, and the nodes for line numbers).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path, shown: str) -> SourceFile:
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=SAFE_LOADER)
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        raise ConfigError([f"{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}"]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{shown}: cannot be read: {exc}"]) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([f"{shown}:1: the file must hold a mapping of keys, not a {type(data).__name__}"])
    lines: dict[KeyPath, int] = {}
    if node is not None:
        _index_lines(node, (), lines)
    return SourceFile(path, data, lines)


def deep_merge(base: Mapping, override: Mapping) -> dict:
    """Mappings merge key by key; anything else (lists included) in override replaces base."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _resolve_env(value: object, path: KeyPath, env: Mapping[str, str], missing: list[tuple[KeyPath, str]]):
    if isinstance(value, dict):
        return {k: _resolve_env(v, (*path, k), env, missing) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_env(v, (*path, i), env, missing) for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match) -> str:
        name, default = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if default is not None:
            return default
        missing.append((path, name))
        return ""

    return ENV_REF.sub(substitute, value)


def _dotted(path: KeyPath) -> str:
    return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[") or "(top level)"


def _locate(path: KeyPath, sources: list[SourceFile], shown: dict[Path, str]) -> str:
    """'file:line' of the deepest key on path, preferring the tenant file over defaults."""
    for depth in range(len(path), -1, -1):
        for source in sources:
            line = source.lines.get(path[:depth])
            if line is not None and (depth > 0 or source is sources[0]):
                return f"{shown[source.path]}:{line}"
    return shown[sources[0].path]


def _message(error: dict) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key; check its spelling against the documented keys"
    if kind == "missing":
        return "required key is missing"
    message = error["msg"]
    return message.removeprefix("Value error, ")


def _problems(exc: ValidationError, sources: list[SourceFile], shown: dict[Path, str]) -> list[str]:
    problems = []
    for error in exc.errors():
        # Tagged-union members add the tag to loc (e.g. steps.0.phone.code_length); drop it for readers.
        path = tuple(p for p in error["loc"] if p not in STEP_MODELS or not isinstance(p, str))
        problems.append(f"{_locate(path, sources, shown)}: {_dotted(path)}: {_message(error)}")
    return problems


def load_tenants(config_dir: Path, env: Mapping[str, str] | None = None) -> list[Tenant]:
    """Every tenant under config_dir, validated; raises ConfigError listing all problems found."""
    env = os.environ if env is None else env
    if not (config_dir / TENANTS_DIR).is_dir():
        raise ConfigError([f"{config_dir}: no {TENANTS_DIR}/ folder; put one YAML file per tenant there"])
    root = config_dir.parent

    def shown_name(path: Path) -> str:
        return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)

    defaults_path = config_dir / DEFAULTS_FILE
    defaults = _read(defaults_path, shown_name(defaults_path)) if defaults_path.exists() else None
    tenant_files = sorted([*(config_dir / TENANTS_DIR).glob("*.yaml"), *(config_dir / TENANTS_DIR).glob("*.yml")])
    if not tenant_files:
        raise ConfigError([f"{shown_name(config_dir / TENANTS_DIR)}: no tenant files (*.yaml) found"])
    tenants: list[Tenant] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in tenant_files:
        try:
            source = _read(path, shown_name(path))
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        sources = [source, *([defaults] if defaults else [])]
        shown = {s.path: shown_name(s.path) for s in sources}
        merged = deep_merge(defaults.data if defaults else {}, source.data)
        missing: list[tuple[KeyPath, str]] = []
        resolved = _resolve_env(merged, (), env, missing)
        problems.extend(f"{_locate(p, sources, shown)}: {_dotted(p)}: environment variable {name} is not set"
                        for p, name in missing)
        if missing:
            continue
        try:
            tenant = Tenant.model_validate(resolved)
        except ValidationError as exc:
            problems.extend(_problems(exc, sources, shown))
            continue
        if tenant.realm in seen:
            line = source.lines.get(("realm",), 1)
            problems.append(f"{shown[path]}:{line}: realm: {tenant.realm!r} is already defined in {seen[tenant.realm]}")
            continue
        seen[tenant.realm] = shown[path]
        tenants.append(tenant)
    if problems:
        # A mistake in defaults.yaml shows up once per tenant; report it once.
        raise ConfigError(list(dict.fromkeys(problems)))
    return tenants
