"""Account numbers people can read out and type: random digits in groups of four (4829-1736)."""

from __future__ import annotations

import re
import secrets


def new_number(digits: int) -> str:
    """A random account number; the first digit is never 0, so it never reads as shorter."""
    raw = str(secrets.randbelow(9) + 1) + "".join(str(secrets.randbelow(10)) for _ in range(digits - 1))
    return "-".join(raw[i:i + 4] for i in range(0, digits, 4))


def looks_like_number(text: str) -> bool:
    return re.fullmatch(r"\d{1,4}(-\d{1,4}){1,2}", text) is not None
