"""Strict, bounded query parameters for the JSON API: a bad value is a 400 that says what is
allowed, never a silent default and never an unbounded query."""

from __future__ import annotations

from collections.abc import Mapping

from webhooks.domain_errors import DomainError


class InvalidParameter(DomainError):
    status = 400
    code = "invalid_parameter"


def bounded_int(args: Mapping[str, str], name: str, default: int, lowest: int, highest: int) -> int:
    """The whole number `name` from args (default when absent), or InvalidParameter if outside its range."""
    raw = args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not lowest <= int(raw) <= highest:
        raise InvalidParameter(f"{name} must be a whole number from {lowest} to {highest}.")
    return int(raw)


def bounded_text(args: Mapping[str, str], name: str, longest: int) -> str | None:
    """The text `name` from args (None when absent or empty), or InvalidParameter if longer than `longest`."""
    raw = args.get(name) or None
    if raw is not None and len(raw) > longest:
        raise InvalidParameter(f"{name} may be at most {longest} characters long.")
    return raw
