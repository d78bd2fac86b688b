"""One-time codes: generated with `secrets`, stored as HMAC-SHA256, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session

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


class OneTimeCodeTable(Protocol):
    """A table of stored codes (phone and email alike): the columns try_code reads and changes."""

    id: Any
    code_hash: Any
    expires_at: Any
    attempts_left: Any
    verified_at: Any


@dataclass(frozen=True)
class CodeCheck:
    """What one try of a code did: `refused` is None when it was right, else "no_code_sent",
    "attempts_spent", "code_expired" or "wrong_code"; `spent_last` when this very try used the last
    attempt."""

    refused: str | None
    attempts_left: int = 0
    spent_last: bool = False


def try_code(session: Session, table: type[OneTimeCodeTable], record: OneTimeCodeTable | None, code: str,
             pepper: bytes, now: datetime) -> CodeCheck:
    """Try `code` against the stored record. Whether an attempt is left is decided by one conditional
    UPDATE, so parallel guesses (any number of threads or processes) never get more than the attempts."""
    if record is None or record.verified_at is not None:
        return CodeCheck("no_code_sent")
    live = (table.id == record.id, table.verified_at.is_(None), table.attempts_left > 0, table.expires_at > now)
    if code_matches(pepper, record.id, code, record.code_hash):
        row = session.execute(update(table).where(*live).values(verified_at=now)
                              .returning(table.attempts_left)).first()
        if row is not None:
            return CodeCheck(None, int(row[0]))
    else:
        row = session.execute(update(table).where(*live).values(attempts_left=table.attempts_left - 1)
                              .returning(table.attempts_left)).first()
        if row is not None:
            left = int(row[0])
            return CodeCheck("attempts_spent", 0, spent_last=True) if left == 0 else CodeCheck("wrong_code", left)
    # Nothing changed: say why from the record as it is now.
    current = session.execute(select(table.attempts_left, table.verified_at, table.expires_at)
                              .where(table.id == record.id)).first()
    if current is None or current[1] is not None:
        return CodeCheck("no_code_sent")
    if current[0] <= 0:
        return CodeCheck("attempts_spent")
    return CodeCheck("code_expired", int(current[0]))


def seconds_until(sent_at: datetime, wait_seconds: int, now: datetime) -> int:
    """Whole seconds left before `wait_seconds` after `sent_at` have passed (0 when they have)."""
    return max(0, int((sent_at + timedelta(seconds=wait_seconds) - now).total_seconds()))
