"""RSA key pairs for new realms (resources/realm_keys.py), made ahead on a thread when they are known
to be wanted soon: finding the primes is CPU work that OpenSSL does outside the GIL, so it runs on
another core while the apply waits on Keycloak (or while the CLI is still being imported). Nothing
here is written anywhere; a pair lives in memory until it goes into a realm's creation request.

Light on imports: `provisioner.early_start` calls ensure() before the CLI is imported, and
`cryptography` is imported by the thread that makes the keys."""

from __future__ import annotations

import threading
from collections import deque

RSA_BITS = 2048


def private_key_pem() -> str:
    """A new 2048-bit RSA private key, PKCS#8 PEM."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


class KeyPairSupply:
    """Pairs of private keys (signing, encryption), one pair per new realm."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._ready: deque[tuple[str, str]] = deque()
        self._wanted = 0  # sets to hold ready, not yet taken
        self._worker: threading.Thread | None = None

    def ensure(self, count: int) -> None:
        """Have `count` sets ready for the next takes, made on a thread from now on."""
        with self._lock:
            self._wanted = max(self._wanted, count)
            if self._worker is None and len(self._ready) < self._wanted:
                self._worker = threading.Thread(target=self._work, daemon=True, name="idp-key-pairs")
                self._worker.start()

    def _work(self) -> None:
        try:
            while True:
                with self._lock:
                    if len(self._ready) >= self._wanted:
                        return
                pair = (private_key_pem(), private_key_pem())
                with self._lock:
                    self._ready.append(pair)
                    self._lock.notify_all()
        except Exception:  # take() makes its own and raises what went wrong there
            return
        finally:
            with self._lock:
                self._worker = None
                self._lock.notify_all()

    def take(self) -> tuple[str, str]:
        """A set made ahead if one is ready or being made, else one made now."""
        with self._lock:
            while not self._ready and self._worker is not None:
                self._lock.wait()
            self._wanted = max(0, self._wanted - 1)
            if self._ready:
                return self._ready.popleft()
        return private_key_pem(), private_key_pem()


SUPPLY = KeyPairSupply()
