"""`idp validate` names the file, the line, the key path and what is wrong; never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def validate(config_dir: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "provisioner.cli_main", "validate"], capture_output=True, text=True,
                          env={**os.environ, "IDP_CONFIG_DIR": str(config_dir), "IDP_HOME": str(ROOT), **env},
                          timeout=60, check=False)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    target = tmp_path / "idp-config"
    shutil.copytree(ROOT / "idp-config", target)
    return target


def test_shipped_config_is_valid(config):
    result = validate(config)
    assert result.returncode == 0, result.stderr
    assert "3 tenant(s) valid: cloud, console, paas" in result.stdout


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("tenants/cloud.yaml", "  verification_link_lifetime: 72h", "  verification_lifetime: 72h",
     "email.verification_lifetime: unknown key"),
    ("tenants/cloud.yaml", "      code_length: 4", "      code_length: 12",
     "onboarding.steps[0].code_length: Input should be less than or equal to 8"),
    ("tenants/paas.yaml", "      - http://127.0.0.1:3000/auth/callback", "      - http://127.0.0.1:3000/*",
     "clients[0].redirect_uris[0]: wildcards are not allowed"),
    ("defaults.yaml", "  min_length: 8", "  min_length: 6",
     "password_policy.min_length: Input should be greater than or equal to 8"),
    ("tenants/console.yaml", "  idle: 1h", "  idle: soon",
     "sessions.idle: 'soon' is not a duration"),
    ("tenants/console.yaml", "realm: console", "realm: Console_1",
     "realm: String should match pattern '^[a-z][a-z0-9-]{1,62}$'"),
    ("tenants/cloud.yaml", '  primary_color: "#0b57d0"', '  primary_color: "#ffcc00"',
     "look.primary_color: #ffcc00 is too light: white text on it has a contrast of 1.5:1, and WCAG AA "
     "needs 4.5:1; choose a darker shade"),
    ("tenants/cloud.yaml", '  primary_color: "#0b57d0"', '  primary_color: blue',
     "look.primary_color: String should match pattern '^#[0-9a-fA-F]{6}$'"),
    ("tenants/console.yaml", "    - kind: account_details", "    - kind: cheque",
     "onboarding.steps[1]: Input tag 'cheque' found using 'kind' does not match"),
    ("tenants/cloud.yaml", "    roles: [idp-billing-reader]", "    roles: [admin]",
     "machine_clients[0].roles[0]: Input should be 'idp-billing-reader'"),
    ("tenants/cloud.yaml", "    secret: ${env:IDP_CLOUD_BILLING_SECRET:-}", "    secret: short",
     "machine_clients[0].secret: String should have at least 32 characters"),
    ("tenants/cloud.yaml", "  privacy_url: https://cloud.example.com/legal/privacy", "  privacy_url: x.com/p",
     "login.privacy_url: must be the page's address, e.g. https://example.com/legal/terms"),
    ("tenants/cloud.yaml", "  terms_url: https://cloud.example.com/legal/terms", "  terms_url: null",
     "login: set both terms_url and privacy_url (the form links the two together), or neither"),
])
def test_broken_yaml_names_file_line_key_and_reason(config, file, old, new, expected):
    path = config / file
    text = path.read_text()
    line = text.splitlines().index(old) + 1  # the line the message must point at
    path.write_text(text.replace(old, new, 1))
    result = validate(config)
    assert result.returncode == 2
    assert f"idp-config/{file}:{line}: {expected}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_yaml_syntax_error_gives_file_and_line(config):
    path = config / "tenants" / "paas.yaml"
    path.write_text(path.read_text().replace("display_name: Hosted PaaS", "display_name: [Hosted PaaS"))
    result = validate(config)
    assert result.returncode == 2 and "idp-config/tenants/paas.yaml:" in result.stderr
    assert "not valid YAML" in result.stderr and "Traceback" not in result.stderr


def test_missing_environment_variable_is_named(config):
    path = config / "defaults.yaml"
    path.write_text(path.read_text().replace("from_address: no-reply@idp.localhost",
                                             "from_address: ${env:IDP_TEST_UNSET_SENDER}"))
    result = validate(config)
    assert result.returncode == 2
    assert "smtp.from_address: environment variable IDP_TEST_UNSET_SENDER is not set" in result.stderr


def test_two_files_for_one_realm_are_refused(config):
    shutil.copy(config / "tenants" / "paas.yaml", config / "tenants" / "paas-copy.yaml")
    result = validate(config)
    assert result.returncode == 2
    line = (config / "tenants" / "paas.yaml").read_text().splitlines().index("realm: paas") + 1
    assert f"tenants/paas.yaml:{line}: realm: 'paas' is already defined in idp-config/tenants/paas-copy.yaml" \
        in result.stderr


def test_every_problem_is_reported_at_once(config):
    for name in ("paas", "cloud"):
        path = config / "tenants" / f"{name}.yaml"
        path.write_text(path.read_text() + "\nsurprise: 1\n")
    result = validate(config)
    assert result.stderr.count("surprise: unknown key") == 2


def test_paas_switches_from_phone_to_captcha_by_one_line(config):
    from provisioner.config.loader import load_tenants

    path = config / "tenants" / "paas.yaml"
    lines = path.read_text().splitlines()
    [phone] = [i for i, line in enumerate(lines) if line.startswith("    - {kind: phone")]
    lines[phone] = "    - kind: captcha"
    path.write_text("\n".join(lines) + "\n")
    result = validate(config)
    assert result.returncode == 0, result.stderr
    [paas] = [t for t in load_tenants(config, {}) if t.realm == "paas"]
    assert [s.kind for s in paas.onboarding.steps] == ["captcha"]


def test_auto_top_up_bounds_out_of_order_are_refused_with_the_numbers(config):
    path = config / "tenants" / "cloud.yaml"
    text = path.read_text()
    path.write_text(text.replace("{min_amount: 100, max_amount: 20000", "{min_amount: 500, max_amount: 100"))
    result = validate(config)
    assert result.returncode == 2
    assert "min_amount (500) is above max_amount (100)" in result.stderr


def test_auto_top_up_can_be_switched_off_in_one_word(config):
    from provisioner.config.loader import load_tenants

    path = config / "tenants" / "cloud.yaml"
    text = path.read_text()
    path.write_text(text.replace("auto_top_up: {min_amount: 100, max_amount: 20000, max_threshold: 9999999}",
                                 "auto_top_up: false"))
    assert validate(config).returncode == 0
    [cloud] = [t for t in load_tenants(config, {}) if t.realm == "cloud"]
    assert cloud.onboarding.steps[-1].auto_top_up.offered is False
