"""The personal access token's secret: recognisable prefix, checksum a scanner can verify offline."""

from __future__ import annotations

from webhooks.pats import secret


def test_a_new_secret_has_the_prefix_and_a_checksum_that_verifies():
    token = secret.generate()
    assert token.startswith("idpat_") and len(token) == len("idpat_") + 32 + 6
    assert secret.well_formed(token)
    assert secret.generate() != token


def test_a_typo_or_a_foreign_token_fails_the_checksum_without_a_database():
    token = secret.generate()
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    assert not secret.well_formed(flipped)
    assert not secret.well_formed("ghp_" + token[6:])
    assert not secret.well_formed(token[:-1])
    assert not secret.well_formed("")


def test_only_a_digest_is_kept_and_it_is_stable():
    token = secret.generate()
    assert secret.digest(token) == secret.digest(token) and token not in secret.digest(token)
    assert len(secret.digest(token)) == 64
