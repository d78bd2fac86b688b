"""The signing and encryption keys a new realm starts with.

Keycloak gives a realm created without keys two RSA key pairs of its own making (`rsa-generated`,
`rsa-enc-generated`), and finding 2048-bit primes in Java is most of what creating a realm costs:
from 0.3 to 1 s on a 2-core machine, varying with the primes. OpenSSL (through `cryptography`) finds
them in a fraction of that, so `idp apply` makes the pairs and hands them over at creation, as the
same kind of key Keycloak would hold (RS256 for signatures, RSA-OAEP for encryption, 2048 bits,
priority 100; Keycloak makes each one's self-signed certificate). The private keys go to Keycloak
in the creation request only: they are never written to disk, logged, or shown in a plan, and
`idp export` leaves key providers out. Rotating keys later is Keycloak's usual way (a new provider
with a higher priority)."""

from __future__ import annotations

from provisioner.key_pairs import SUPPLY

KEY_PROVIDER = "org.keycloak.keys.KeyProvider"


def starting_keys() -> dict[str, list[dict]]:
    """The `components` of a realm representation with the keys Keycloak would otherwise generate
    (made ahead when the apply knew it would create realms: provisioner/key_pairs.py)."""
    signing, encryption = SUPPLY.take()
    return {KEY_PROVIDER: [
        {"name": "rsa-generated-by-idp", "providerId": "rsa",
         "config": {"priority": ["100"], "algorithm": ["RS256"], "keyUse": ["SIG"],
                    "privateKey": [signing]}},
        {"name": "rsa-enc-generated-by-idp", "providerId": "rsa-enc",
         "config": {"priority": ["100"], "algorithm": ["RSA-OAEP"], "keyUse": ["ENC"],
                    "privateKey": [encryption]}},
        # Symmetric keys are cheap for Keycloak to make: left to it, as it would.
        {"name": "hmac-generated-hs512", "providerId": "hmac-generated",
         "config": {"priority": ["100"], "algorithm": ["HS512"]}},
        {"name": "aes-generated", "providerId": "aes-generated", "config": {"priority": ["100"]}},
    ]}
