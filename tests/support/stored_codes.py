"""What a stored one-time code may show of the code: nothing but its HMAC and its sealed copy."""

from __future__ import annotations

import re

HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


def assert_kept_only_hashed_and_sealed(code: str, record) -> None:
    """The row holds the code only as a full HMAC-SHA256 and sealed. The digest is checked by its form,
    not by searching it for the code: a 4-digit code turns up inside about one hex digest in a thousand
    by chance (CI failed once on "5836" in one)."""
    assert HEX_SHA256.fullmatch(record.code_hash) and record.code_hash != code, record.code_hash
    assert code.encode() not in record.sealed
