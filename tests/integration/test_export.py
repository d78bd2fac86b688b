"""`idp export`: deterministic, secret-free JSON that Keycloak imports again."""

from __future__ import annotations

import json
import re
import subprocess
import uuid

from provisioner.export import stable_flow_id
from tests.integration.test_apply import IDP
from tests.support.stack import ROOT


def test_export_is_byte_identical_twice_has_no_secrets_and_imports(make_tenant, stack, admin, tmp_path):
    tenant = make_tenant("cloud")
    exports = tmp_path / "exports"
    def export() -> bytes:
        result = idp_export(stack, tenant, exports)
        assert result.returncode == 0, result.stderr
        return (exports / f"{tenant.realm}.json").read_bytes()

    one, two = export(), export()
    assert one == two, "a second export without changes is byte-identical"
    text = one.decode()
    assert "**********" not in text and '"secret"' not in text
    assert "createdTimestamp" not in text and "privateKey" not in text
    data = json.loads(text)
    # No server's ids; only the stable ids of flows a client is bound to (the cli client's), which
    # Keycloak needs to import the binding.
    stable = {stable_flow_id(tenant.realm, f["alias"]) for f in data["authenticationFlows"]}
    assert set(re.findall(r'"id": "([^"]+)"', text)) <= stable
    assert data["passwordPolicy"].startswith("length(8)")
    assert {c["clientId"] for c in data["clients"]} >= {tenant.client.client_id, "idp-service"}

    copy = f"t-import-{uuid.uuid4().hex[:6]}"
    admin.create_realm({**data, "realm": copy})
    imported = admin.get_realm(copy)
    assert imported["passwordPolicy"] == admin.get_realm(tenant.realm)["passwordPolicy"]
    admin.change_current_realm(copy)
    assert admin.get_client_id(tenant.client.client_id) is not None
    assert admin.get_client_id("idp-service") is not None
    admin.delete_realm(copy)


def idp_export(stack, tenant, exports) -> subprocess.CompletedProcess:
    env = stack.env(IDP_CONFIG_DIR=str(tenant.config_dir), IDP_EXPORTS_DIR=str(exports))
    return subprocess.run([IDP, "export", "--realm", tenant.realm], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_the_shipped_exports_are_what_a_fresh_keycloak_gives(stack, admin, tmp_path):
    """`realm-exports/` is what `idp export` of idp-config/ gives on any fresh Keycloak: this one was
    started by the test run, the shipped files on another machine. The settings are `make run`'s
    defaults, which the shipped files were made with."""
    exports = tmp_path / "exports"
    env = stack.env(IDP_KEYCLOAK_URL=stack.keycloak_url, IDP_ADMIN_USER=stack.admin_user,
                    IDP_ADMIN_PASSWORD=stack.admin_password, IDP_SMTP_HOST="127.0.0.1", IDP_SMTP_PORT="2525",
                    IDP_SERVICE_PUBLIC_URL="http://127.0.0.1:5080", IDP_EXPORTS_DIR=str(exports),
                    IDP_SERVICE_CLIENT_SECRET=stack.secrets.service_client_secret)
    shipped = sorted((ROOT / "realm-exports").glob("*.json"))
    try:
        for command in ("apply", "export"):
            result = subprocess.run([IDP, command], env=env, capture_output=True, text=True, timeout=300, check=False)
            assert result.returncode == 0, result.stdout + result.stderr
        assert sorted(p.name for p in exports.glob("*.json")) == [p.name for p in shipped]
        for expected in shipped:
            assert (exports / expected.name).read_text() == expected.read_text(), \
                f"{expected.name} differs: regenerate realm-exports/ (`idp export`) or sort what Keycloak orders freely"
    finally:
        for realm in (p.stem for p in shipped):  # other tests may want to create the shipped realms afresh
            admin.delete_realm(realm)
