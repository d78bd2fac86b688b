"""Pure functions of the provisioner: durations, the password policy string, export normalizing."""

from __future__ import annotations

import pytest

from contract.durations import parse_duration
from provisioner.config.model import PasswordPolicy
from provisioner.export import normalize
from provisioner.resources.realm import password_policy_string


@pytest.mark.parametrize(("raw", "seconds"), [(30, 30), ("45s", 45), ("5m", 300), ("24h", 86400), ("30d", 2592000)])
def test_durations(raw, seconds):
    assert parse_duration(raw) == seconds


@pytest.mark.parametrize("raw", ["soon", "5 weeks", True, -1.5, "1h30m"])
def test_bad_durations_say_how_to_write_one(raw):
    with pytest.raises(ValueError, match="duration"):
        parse_duration(raw)


def test_seed_password_policy_maps_to_one_keycloak_policy_per_rule():
    assert password_policy_string(PasswordPolicy()) == (
        "length(8) and maxLength(64) and idp-latin-upper(1) and idp-latin-lower(1) and idp-digit-or-symbol(1)"
        " and idp-allowed-characters(1) and idp-no-repeating-groups(2) and notEmail(undefined)")


def test_export_drops_ids_secrets_and_keys_and_sorts_unordered_lists():
    raw = {"id": "x", "realm": "r", "clients": [{"clientId": "b", "id": "1", "secret": "s"}, {"clientId": "a"}],
           "components": {"org.keycloak.keys.KeyProvider": [{"name": "rsa"}], "other": [{"name": "z"}]},
           "smtpServer": {"password": "**********", "host": "h"},
           "authenticationFlows": [{"alias": "f", "authenticationExecutions": [{"priority": 20}, {"priority": 10}]}]}
    assert normalize(raw) == {
        "realm": "r", "clients": [{"clientId": "a"}, {"clientId": "b"}], "components": {"other": [{"name": "z"}]},
        "smtpServer": {"host": "h"},
        "authenticationFlows": [{"alias": "f", "authenticationExecutions": [{"priority": 10}, {"priority": 20}]}]}


def test_the_service_client_secret_differs_per_realm():
    from contract.secrets import realm_client_secret

    assert realm_client_secret("service-master-secret", "cloud") == "7df6gt1nTt9lBcVTb-F3WGxCInz8aZEY87EJzFqyv_A"
    assert realm_client_secret("service-master-secret", "paas") != realm_client_secret("service-master-secret", "cloud")
