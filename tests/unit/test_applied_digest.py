"""The applied digest behind `idp apply --skip-unchanged`: what changes it, and when a realm list
says the last apply was of exactly this configuration."""

from __future__ import annotations

import os
from pathlib import Path

from contract.names import APPLIED_DIGEST_ATTRIBUTE, MANAGED_ATTRIBUTE
from provisioner import early_start
from provisioner.applied_digest import config_digest, stamp, unchanged
from provisioner.entry import _quick_skip


def _config(root: Path, text: str = "smtp:\n  host: ${env:SMTP_HOST:-localhost}\n") -> Path:
    (root / "tenants").mkdir(parents=True, exist_ok=True)
    (root / "defaults.yaml").write_text(text)
    (root / "tenants" / "a.yaml").write_text("realm: a\n")
    return root


def test_the_digest_follows_the_files_and_the_variables_they_read(tmp_path):
    config = _config(tmp_path)
    base = config_digest(config, {"SMTP_HOST": "mail", "UNRELATED": "1"}, "key")
    assert base == config_digest(config, {"SMTP_HOST": "mail", "UNRELATED": "2"}, "key"), "a variable no YAML reads"
    assert base != config_digest(config, {"SMTP_HOST": "other"}, "key")
    assert base != config_digest(config, {}, "key"), "unset is a value too"
    (config / "tenants" / "b.yaml").write_text("realm: b\n")
    assert base != config_digest(config, {"SMTP_HOST": "mail"}, "key"), "a new tenant file"


def test_a_secret_the_yaml_reads_is_never_in_the_digest(tmp_path):
    config = _config(tmp_path, "service:\n  secret: ${env:SECRET}\n")
    assert "s3cr3t-value" not in config_digest(config, {"SECRET": "s3cr3t-value"}, "key")


def _realm(name: str, value: str | None, managed: bool = True) -> dict:
    attributes = {MANAGED_ATTRIBUTE: "true"} if managed else {}
    if value is not None:
        attributes[APPLIED_DIGEST_ATTRIBUTE] = value
    return {"realm": name, "attributes": attributes}


def test_unchanged_only_when_every_applied_tenant_carries_the_digest():
    now = stamp("hmac-sha256:abc", 2)
    assert unchanged([_realm("a", now), _realm("b", now), _realm("master", None, managed=False)], "hmac-sha256:abc")
    assert not unchanged([_realm("a", now)], "hmac-sha256:abc"), "a realm deleted by hand since"
    assert not unchanged([_realm("a", now), _realm("b", stamp("hmac-sha256:old", 2))], "hmac-sha256:abc")
    assert not unchanged([_realm("a", now), _realm("b", now)], "hmac-sha256:abcd"), "another digest"
    assert not unchanged([], "hmac-sha256:abc")
    assert unchanged([_realm("a", now), _realm("b", now), _realm("other-teams", None)], "hmac-sha256:abc"), \
        "realms another configuration manages do not count"


def test_the_quick_path_is_taken_only_for_a_plain_skip_against_an_explicit_keycloak(monkeypatch):
    monkeypatch.delenv("IDP_KEYCLOAK_URL", raising=False)
    assert _quick_skip(["apply", "--skip-unchanged"]) is False, "the local stack: the CLI finds it"
    monkeypatch.setenv("IDP_KEYCLOAK_URL", "http://127.0.0.1:9")  # nothing listens: falls through, no error
    monkeypatch.setenv("IDP_ADMIN_USER", "admin")
    monkeypatch.setenv("IDP_ADMIN_PASSWORD", "x")
    assert _quick_skip(["apply", "--skip-unchanged", "--prune"]) is False
    assert _quick_skip(["apply"]) is False
    assert _quick_skip(["apply", "--skip-unchanged", "--help"]) is False
    assert _quick_skip(["apply", "--skip-unchanged"]) is False, "no early sign-in begun: the CLI signs in"
    early_start.begin(["apply", "--skip-unchanged"], os.environ)
    assert _quick_skip(["apply", "--skip-unchanged"]) is False, "Keycloak unreachable: the full apply explains"
