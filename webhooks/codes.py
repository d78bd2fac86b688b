"""One-time codes: generated with `secrets`, hashed with HMAC-SHA256, compared in constant time. Where
they are kept: code_store.py."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass

# AAA-AAA codes avoid letters people confuse (I/1, O/0).
CODE_LETTERS = "".join(c for c in string.ascii_uppercase if c not in "IO")


def numeric_code(length: int) -> str:
    """A code of `length` random digits."""
    return "".join(secrets.choice(string.digits) for _ in range(length))


def letter_code() -> str:
    """A code in AAA-AAA form."""
    letters = "".join(secrets.choice(CODE_LETTERS) for _ in range(6))
    return f"{letters[:3]}-{letters[3:]}"


def code_hash(pepper: bytes, record_id: str, code: str) -> str:
    """HMAC of the code bound to its record, so equal codes of two records hash differently."""
    return hmac.new(pepper, f"{record_id}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(pepper: bytes, record_id: str, code: str, stored_hash: str) -> bool:
    """Constant-time comparison of a submitted code with the stored hash."""
    return hmac.compare_digest(code_hash(pepper, record_id, code), stored_hash)


@dataclass(frozen=True)
class CodeCheck:
    """What one try of a code did: `refused` is None when it was right, else "no_code_sent",
    "attempts_spent", "code_expired" or "wrong_code"; `spent_last` when this very try used the last
    attempt."""

    refused: str | None
    attempts_left: int = 0
    spent_last: bool = False
