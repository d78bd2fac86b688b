"""Durations written as 30, "30s", "15m", "24h" or "7d" in YAML, held as whole seconds."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PATTERN = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")


def parse_duration(value: object) -> int:
    """Seconds for an int or a string like '90s', '15m', '24h', '30d'."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 300, '5m', '24h' or '30d'")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and (match := _PATTERN.match(value)):
        return int(match.group(1)) * _UNITS[match.group(2) or "s"]
    raise ValueError(f"{value!r} is not a duration; write seconds or a number with s, m, h or d (e.g. '24h')")


Duration = Annotated[int, BeforeValidator(parse_duration)]
