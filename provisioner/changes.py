"""A plan is a list of Changes; each says what it would do and knows how to do it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Action = Literal["create", "update", "delete", "unchanged"]
MASKED = "**********"


@dataclass
class Change:
    """One decision about one resource of one tenant."""

    realm: str
    resource: str
    action: Action
    details: list[str] = field(default_factory=list)
    run: Callable[[], None] | None = None

    @property
    def is_write(self) -> bool:
        return self.action != "unchanged"


def _normal(value: object) -> object:
    """Compare Keycloak's strings with our ints/bools: '300' == 300, 'true' == True."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return sorted(json.dumps(_normal(v), sort_keys=True) for v in value)
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    return value


def _show(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)


def field_diffs(current: Mapping, desired: Mapping, prefix: str = "", secret_keys: Iterable[str] = ()) -> list[str]:
    """'key: old -> new' for every desired key whose value differs; absent keys are not managed."""
    lines = []
    secrets = set(secret_keys)
    for key, want in desired.items():
        have = current.get(key)
        if key in secrets:
            if have in (None, "") and want:
                lines.append(f"{prefix}{key}: (unset) -> (secret)")
            continue
        if isinstance(want, Mapping) and isinstance(have, Mapping):
            lines.extend(field_diffs(have, want, f"{prefix}{key}.", secrets))
        elif _normal(have) != _normal(want):
            lines.append(f"{prefix}{key}: {_show(have) if have is not None else '(unset)'} -> {_show(want)}")
    return lines
