"""Values the service must show again but nobody may read from its database (a captcha's answer, the
digits a caller keys in): AES-GCM with the service's key, bound to the record they belong to, so a
sealed value copied to another record does not open. No Flask."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class Sealer:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, record_id: str, value: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, value.encode(), record_id.encode())

    def open(self, record_id: str, sealed: bytes | None) -> str | None:
        """The value, or None when there is none or it was sealed under another key (rotated)."""
        if not sealed:
            return None
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], record_id.encode()).decode()
        except InvalidTag:
            return None
