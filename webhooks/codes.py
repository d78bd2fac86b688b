"""One-time codes: generated with `secrets`, stored as HMAC-SHA256, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from datetime import datetime, timedelta
from typing import Protocol

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


class OneTimeCode(Protocol):
    """A stored code: what check_attempt reads and updates (phone and email codes alike)."""

    id: str
    code_hash: str
    expires_at: datetime
    attempts_left: int
    verified_at: datetime | None


def check_attempt(record: OneTimeCode | None, code: str, pepper: bytes, now: datetime) -> str | None:
    """Try `code` against the record: None when right (the record is marked verified), else why not:
    "no_code_sent", "attempts_spent", "code_expired" or "wrong_code" (one attempt is spent then)."""
    if record is None or record.verified_at is not None:
        return "no_code_sent"
    if record.attempts_left <= 0:
        return "attempts_spent"
    if record.expires_at <= now:
        return "code_expired"
    if not code_matches(pepper, record.id, code, record.code_hash):
        record.attempts_left -= 1
        return "attempts_spent" if record.attempts_left <= 0 else "wrong_code"
    record.verified_at = now
    return None


def seconds_until(sent_at: datetime, wait_seconds: int, now: datetime) -> int:
    """Whole seconds left before `wait_seconds` after `sent_at` have passed (0 when they have)."""
    return max(0, int((sent_at + timedelta(seconds=wait_seconds) - now).total_seconds()))
