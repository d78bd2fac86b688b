"""The HMAC keys of hand-over and result tokens: one per realm and per direction, derived from the
shared onboarding secret (the Java side derives the same: OnboardingKeys.java; both test one vector).
Rotation without downtime: sign with the current secret, accept the current and any previous one."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

HANDOVER = "handover"
RESULT = "result"
INVITATION = "invitation"  # the invitation hint on the registration form (InvitationFormAction.java)
MIN_SECRET_BYTES = 32


def _decode(secret: str) -> bytes | None:
    try:
        raw = base64.b64decode(secret.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) >= MIN_SECRET_BYTES else None


def derive(secret: bytes, purpose: str, realm: str) -> bytes:
    """The key of one realm and one direction."""
    return hmac.new(secret, f"idp-onboarding/{purpose}/{realm}".encode(), hashlib.sha256).digest()


@dataclass(frozen=True)
class OnboardingKeys:
    """The current secret first, then previous ones still accepted while a rotation runs."""

    secrets: tuple[bytes, ...]

    @classmethod
    def parse(cls, current: str, previous: tuple[str, ...] = ()) -> OnboardingKeys | None:
        """Keys from base64 secrets; None if the current one is missing or shorter than 32 bytes."""
        first = _decode(current) if current else None
        if first is None:
            return None
        return cls((first, *(raw for raw in map(_decode, previous) if raw is not None)))

    def signing(self, realm: str, purpose: str) -> bytes:
        return derive(self.secrets[0], purpose, realm)

    def accepted(self, realm: str, purpose: str) -> list[bytes]:
        return [derive(secret, purpose, realm) for secret in self.secrets]
