"""A new realm's RSA key pairs, made ahead on a thread: each set is used once, and a failed thread
never leaves an apply without keys."""

from __future__ import annotations

from cryptography.hazmat.primitives.serialization import load_pem_private_key

from provisioner import key_pairs
from provisioner.key_pairs import KeyPairSupply


def _bits(pem: str) -> int:
    return load_pem_private_key(pem.encode(), password=None).key_size


def test_sets_made_ahead_are_distinct_2048_bit_keys():
    supply = KeyPairSupply()
    supply.ensure(2)
    first, second = supply.take(), supply.take()
    keys = {*first, *second}
    assert len(keys) == 4, "no key is handed out twice"
    assert {_bits(k) for k in keys} == {2048}


def test_a_take_without_anything_made_ahead_makes_a_set_now():
    signing, encryption = KeyPairSupply().take()
    assert signing != encryption and _bits(signing) == 2048


def test_a_failing_thread_leaves_the_take_to_make_its_own(monkeypatch):
    made = {"calls": 0}
    real = key_pairs.private_key_pem

    def first_call_fails() -> str:
        made["calls"] += 1
        if made["calls"] == 1:
            raise OSError("no entropy today")
        return real()

    monkeypatch.setattr(key_pairs, "private_key_pem", first_call_fails)
    supply = KeyPairSupply()
    supply.ensure(1)
    signing, encryption = supply.take()
    assert _bits(signing) == 2048 and _bits(encryption) == 2048
