"""The runtime's failure messages and safety properties, without starting servers."""

from __future__ import annotations

import base64
import os
import socket
import stat
from pathlib import Path

import pytest

from provisioner.errors import IdpError, RuntimeFailure
from provisioner.runtime import distribution
from provisioner.runtime.java import find_java
from provisioner.runtime.processes import require_free_ports
from provisioner.runtime.state import StateDir, admin_credentials
from provisioner.settings import Settings


def _fake_jdk(root: Path, version: str) -> Path:
    (root / "bin").mkdir(parents=True)
    (root / "bin" / "java").write_text("#!/bin/sh\n")
    (root / "release").write_text(f'JAVA_VERSION="{version}"\n')
    return root


def test_too_old_java_home_is_one_clear_sentence(tmp_path):
    with pytest.raises(RuntimeFailure) as caught:
        find_java(_fake_jdk(tmp_path / "jdk11", "11.0.2"))
    assert "is Java 11; Keycloak needs Java 17 or newer" in caught.value.message
    assert "JAVA_HOME" in caught.value.hint


def test_java_home_that_is_not_a_jdk_is_named(tmp_path):
    with pytest.raises(RuntimeFailure, match="is not a JDK"):
        find_java(tmp_path)


def test_newest_installed_jdk_is_picked_without_java_home():
    home, major = find_java(None)
    assert major >= 17 and (home / "bin" / "java").exists()


def test_taken_port_names_the_port_and_how_to_move_it():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(RuntimeFailure) as caught:
            require_free_ports({"Keycloak HTTP": (port, "IDP_KEYCLOAK_PORT")})
    assert f"Keycloak HTTP port {port} (set IDP_KEYCLOAK_PORT to move it)" in caught.value.message


def test_admin_password_is_generated_once_and_kept_owner_only(tmp_path):
    state = StateDir(tmp_path / "state")
    first = admin_credentials(state)
    assert len(first.password) >= 24
    assert stat.S_IMODE(os.stat(state.admin_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(state.root).st_mode) == 0o700
    assert admin_credentials(state) == first


def test_corrupt_cached_archive_is_refused_and_deleted(tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    bogus = downloads / f"keycloak-quarkus-dist-{distribution.KEYCLOAK_VERSION}.zip"
    bogus.write_bytes(b"not keycloak")
    with pytest.raises(RuntimeFailure, match="SHA-512"):
        distribution.ensure_archive(tmp_path)
    assert not bogus.exists()


def test_bad_port_setting_is_explained():
    with pytest.raises(IdpError, match="IDP_KEYCLOAK_PORT='eighty' is not a TCP port"):
        Settings.from_env({"IDP_KEYCLOAK_PORT": "eighty"})


def test_keycloak_starts_with_a_fixed_hostname_and_no_cluster_transport(tmp_path):
    from provisioner.runtime.stack import _keycloak_command

    default = Settings.from_env({"IDP_HOME": str(tmp_path), "IDP_KEYCLOAK_PORT": "18080"})
    command = _keycloak_command(default, tmp_path, StateDir(tmp_path / "state"))
    assert "--hostname=http://127.0.0.1:18080" in command and "--hostname-strict=true" in command
    assert "--cache=local" in command and "--http-host=127.0.0.1" in command
    named = Settings.from_env({"IDP_HOME": str(tmp_path), "IDP_KEYCLOAK_PUBLIC_URL": "https://id.example.com/"})
    assert "--hostname=https://id.example.com" in _keycloak_command(named, tmp_path, StateDir(tmp_path / "s"))


@pytest.mark.parametrize("url", ["id.example.com", "ftp://id.example.com", "https://", "https://id.example.com/?a=1"])
def test_a_public_url_that_is_not_one_is_refused_with_its_name(url):
    with pytest.raises(IdpError, match="IDP_KEYCLOAK_PUBLIC_URL"):
        Settings.from_env({"IDP_KEYCLOAK_PUBLIC_URL": url})


def test_the_service_starts_in_production_mode_unless_told_otherwise():
    from webhooks.config import ConfigProblem, ServiceConfig

    plain = ServiceConfig.from_env({})
    assert plain.dev_inbox is False and plain.sms_provider == ""
    with pytest.raises(ConfigProblem, match="IDP_SERVICE_DEV_INBOX"):
        ServiceConfig.from_env({"IDP_SERVICE_SMS_PROVIDER": "dev"})
    assert ServiceConfig.from_env({"IDP_SERVICE_DEV_INBOX": "true"}).dev_inbox is True


def test_the_card_gateway_is_refused_clearly_when_it_cannot_work():
    from webhooks.config import ConfigProblem, ServiceConfig

    with pytest.raises(ConfigProblem, match="only with IDP_SERVICE_DEV_INBOX=true"):
        ServiceConfig.from_env({"IDP_SERVICE_CARD_GATEWAY": "sandbox"})
    with pytest.raises(ConfigProblem, match="needs IDP_STRIPE_SECRET_KEY"):
        ServiceConfig.from_env({"IDP_SERVICE_CARD_GATEWAY": "stripe", "IDP_STRIPE_SECRET_KEY": "pk_live_oops"})
    with pytest.raises(ConfigProblem, match="must be one of: sandbox, stripe, none"):
        ServiceConfig.from_env({"IDP_SERVICE_CARD_GATEWAY": "paypal"})
    stripe = ServiceConfig.from_env({"IDP_SERVICE_CARD_GATEWAY": "stripe", "IDP_STRIPE_SECRET_KEY": "sk_test_1"})
    assert stripe.card_gateway == "stripe" and "sk_test_1" not in repr(stripe)


@pytest.mark.parametrize(("secret", "problem"), [
    ("whsec_x", "in base64"), ("whsec_", "in base64"), ("whsec_==", "in base64"), ("whsec_ab!d" * 8, "in base64"),
    ("whsec_" + base64.b64encode(b"k" * 23).decode(), "23 bytes; Keycloak's listener needs at least 24"),
    ("sk_" + base64.b64encode(b"k" * 32).decode(), "does not start with 'whsec_'"),
])
def test_a_webhook_secret_keycloak_could_not_sign_with_is_refused_at_start_with_the_fix(secret, problem):
    from webhooks.config import ConfigProblem, ServiceConfig

    good = "whsec_" + base64.b64encode(b"k" * 24).decode()
    assert ServiceConfig.from_env({"IDP_WEBHOOK_SECRET": good}).webhook_secret == good
    unpadded = "whsec_" + base64.b64encode(b"k" * 32).decode().rstrip("=")  # Keycloak and the library take it
    assert ServiceConfig.from_env({"IDP_WEBHOOK_SECRET": unpadded}).webhook_secret == unpadded
    for variable, env in (("IDP_WEBHOOK_SECRET", {"IDP_WEBHOOK_SECRET": secret}),
                          ("IDP_WEBHOOK_PREVIOUS_SECRETS",
                           {"IDP_WEBHOOK_SECRET": good, "IDP_WEBHOOK_PREVIOUS_SECRETS": secret})):
        with pytest.raises(ConfigProblem, match="Make a new one with `idp env`") as refused:
            ServiceConfig.from_env(env)
        assert problem in str(refused.value)
        assert str(refused.value).startswith(variable + " "), "the message names the variable to fix"
