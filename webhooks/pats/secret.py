"""The secret of a personal access token: a recognisable prefix, 32 random base62 characters and a
6-character checksum (CRC32 of the random part), so secret scanners and support can tell a real
token from a typo without a database. Only its SHA-256 is stored: the secret is random enough that
a slow hash would add nothing."""

from __future__ import annotations

import hashlib
import re
import secrets
import zlib

PREFIX = "idpat_"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
RANDOM_LENGTH = 32
CHECKSUM_LENGTH = 6
SHAPE = re.compile(rf"^{PREFIX}[0-9A-Za-z]{{{RANDOM_LENGTH + CHECKSUM_LENGTH}}}$")


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def _checksum(random_part: str) -> str:
    return _base62(zlib.crc32(random_part.encode()), CHECKSUM_LENGTH)


def generate() -> str:
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return PREFIX + random_part + _checksum(random_part)


def well_formed(token: str) -> bool:
    """Prefix, length, alphabet and checksum right: worth a database lookup."""
    if not SHAPE.match(token):
        return False
    random_part, checksum = token[len(PREFIX):-CHECKSUM_LENGTH], token[-CHECKSUM_LENGTH:]
    return secrets.compare_digest(_checksum(random_part), checksum)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
