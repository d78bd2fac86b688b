"""`idp apply/plan` against the real Keycloak: creates each realm, a second apply sends no write,
plan shows a changed setting, prune lists then deletes what left the YAML."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import requests
import yaml

from tests.support.counting_proxy import CountingProxy
from tests.support.stack import ROOT, master_service_account, write_tenant_config

IDP = str(Path(ROOT / ".venv" / "bin" / "idp")) if (ROOT / ".venv" / "bin" / "idp").exists() else "idp"


def idp(stack, *args: str, config_dir: Path | None = None, url: str | None = None) -> subprocess.CompletedProcess:
    extra = {}
    if config_dir:
        extra["IDP_CONFIG_DIR"] = str(config_dir)
    if url:  # talk to Keycloak through another address (the counting proxy)
        extra |= {"IDP_KEYCLOAK_URL": url, "IDP_ADMIN_USER": stack.admin_user,
                  "IDP_ADMIN_PASSWORD": stack.admin_password, "IDP_SMTP_HOST": "127.0.0.1",
                  "IDP_SMTP_PORT": str(stack.settings.smtp_port),
                  "IDP_SERVICE_CLIENT_SECRET": stack.secrets.service_client_secret,
                  "IDP_SERVICE_PUBLIC_URL": stack.settings.service_url}
    return subprocess.run([IDP, *args], env=stack.env(**extra), capture_output=True, text=True, timeout=300,
                          check=False)


@pytest.fixture(scope="module")
def shipped(stack, admin):
    """The shipped idp-config/ applied once through the CLI."""
    result = idp(stack, "apply")
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_apply_creates_each_shipped_realm_with_its_settings(shipped, admin):
    for name in ("paas", "cloud", "console"):
        assert f"+ {name}: realm created" in shipped.stdout
        realm = admin.get_realm(name)
        assert realm["registrationAllowed"] and realm["loginWithEmailAllowed"]
        # console confirms the address with its email_code step instead of Keycloak's link
        assert realm["verifyEmail"] is (name != "console")
        assert realm["duplicateEmailsAllowed"] is False and realm["bruteForceProtected"] is True
        assert realm["otpPolicyType"] == "totp" and realm["otpPolicyDigits"] == 6 and realm["otpPolicyPeriod"] == 30
        assert realm["supportedLocales"] == ["en", "ru"] or sorted(realm["supportedLocales"]) == ["en", "ru"]
        assert "idp-no-repeating-groups(2)" in realm["passwordPolicy"] and realm["eventsEnabled"] is True
        assert realm["smtpServer"]["host"] == "127.0.0.1"
    assert admin.get_realm("console")["failureFactor"] == 3


def test_a_new_realm_starts_with_the_keys_keycloak_would_make_and_none_leak(shipped, stack, admin):
    # idp apply makes the RSA pairs (Keycloak's own prime search is most of a realm's creation time).
    admin.change_current_realm("cloud")
    keys = {(k["algorithm"], k["use"]): k for k in admin.get_keys()["keys"] if k["status"] == "ACTIVE"}
    assert set(keys) >= {("RS256", "SIG"), ("RSA-OAEP", "ENC"), ("HS512", "SIG"), ("AES", "ENC")}
    assert keys[("RS256", "SIG")]["certificate"] and keys[("RS256", "SIG")]["publicKey"]
    jwks = requests.get(f"{stack.keycloak_url}/realms/cloud/protocol/openid-connect/certs", timeout=10).json()
    assert {k["alg"] for k in jwks["keys"] if k.get("use") == "sig"} == {"RS256"}
    assert "PRIVATE KEY" not in shipped.stdout + shipped.stderr


def test_service_account_holds_only_the_roles_it_needs(shipped, admin):
    admin.change_current_realm("cloud")
    client = admin.get_client_id("idp-service")
    user = admin.get_client_service_account_user(client)
    management = admin.get_client_id("realm-management")
    roles = {r["name"] for r in admin.get_client_roles_of_user(user["id"], management)}
    assert roles == {"view-realm", "view-users", "manage-users", "view-events", "manage-organizations"}


def test_second_apply_sends_no_write_request(shipped, stack, admin):
    admin.change_current_realm("cloud")
    events_before = len(admin.get_admin_events({"max": 1000}))
    with CountingProxy(stack.keycloak_url) as proxy:
        result = idp(stack, "apply", url=proxy.url)
    assert result.returncode == 0, result.stderr
    assert "No changes. Keycloak matches the YAML." in result.stdout
    assert proxy.writes == [], proxy.writes
    assert sum(proxy.requests.values()) > 10, "the proxy saw the reads"
    admin.change_current_realm("cloud")
    assert len(admin.get_admin_events({"max": 1000})) == events_before


def test_plan_shows_a_changed_setting_and_apply_makes_it_so(stack, admin, tmp_path):
    realm = f"t-plan-{uuid.uuid4().hex[:8]}"
    config = write_tenant_config(tmp_path, realm, "cloud")
    assert idp(stack, "apply", config_dir=config).returncode == 0
    tenant_file = config / "tenants" / f"{realm}.yaml"
    data = yaml.safe_load(tenant_file.read_text())
    data["brute_force"] = {"failures_before_lockout": 7}
    data["email"]["verification_link_lifetime"] = "48h"
    tenant_file.write_text(yaml.safe_dump(data))

    plan = idp(stack, "plan", config_dir=config)
    assert plan.returncode == 0, plan.stderr
    assert f"~ {realm}: realm update" in plan.stdout
    assert "failureFactor: '5' -> '7'" in plan.stdout or "failureFactor: 5 -> 7" in plan.stdout
    assert "Plan: 1 to update." in plan.stdout
    assert admin.get_realm(realm)["failureFactor"] == 5, "plan writes nothing"

    assert idp(stack, "apply", config_dir=config).returncode == 0
    assert admin.get_realm(realm)["failureFactor"] == 7
    assert admin.get_realm(realm)["attributes"]["actionTokenGeneratedByUserLifespan.verify-email"] == "172800"
    assert "No changes" in idp(stack, "plan", config_dir=config).stdout
    admin.delete_realm(realm)


def test_a_cli_flow_changed_by_hand_is_rebuilt_and_bound_again(stack, admin, tmp_path):
    # The flow is bound to the cli client, and Keycloak refuses to delete a bound flow: apply unbinds it first.
    realm = f"t-flow-{uuid.uuid4().hex[:8]}"
    config = write_tenant_config(tmp_path, realm, "cloud")
    assert idp(stack, "apply", config_dir=config).returncode == 0
    admin.change_current_realm(realm)
    deny = next(e for e in admin.get_authentication_flow_executions("idp cli sign-in")
                if e.get("providerId") == "deny-access-authenticator")
    admin.update_authentication_flow_executions({**deny, "requirement": "DISABLED"}, "idp cli sign-in")

    result = idp(stack, "apply", config_dir=config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"~ {realm}: cli-client/flow updated" in result.stdout
    admin.change_current_realm(realm)
    steps = {e.get("providerId"): e for e in admin.get_authentication_flow_executions("idp cli sign-in")}
    assert steps["deny-access-authenticator"]["requirement"] == "REQUIRED"
    assert steps["conditional-user-role"]["requirement"] == "REQUIRED" and steps["conditional-user-role"].get(
        "authenticationConfig"), "a step's requirement and its configuration both hold"
    flow_id = next(f["id"] for f in admin.get_authentication_flows() if f["alias"] == "idp cli sign-in")
    cli = admin.get_client(admin.get_client_id("cli"))
    assert cli["authenticationFlowBindingOverrides"] == {"browser": flow_id}
    assert "No changes" in idp(stack, "apply", config_dir=config).stdout
    admin.delete_realm(realm)


def _form_steps(admin, flow: str, provider: str) -> tuple[dict, list[dict]]:
    """The step `provider` of `flow` and the steps of the sub-flow it sits in, in order."""
    executions = admin.get_authentication_flow_executions(flow)
    step = next(e for e in executions if e.get("providerId") == provider)
    at = executions.index(step)
    start = max(i for i in range(at) if executions[i]["level"] < step["level"]) + 1
    end = next((i for i in range(at, len(executions)) if executions[i]["level"] < step["level"]), len(executions))
    return step, [e for e in executions[start:end] if e["level"] == step["level"]]


def test_login_and_registration_steps_moved_by_hand_are_put_back_first_and_required(stack, admin, tmp_path):
    realm = f"t-steps-{uuid.uuid4().hex[:8]}"
    config = write_tenant_config(tmp_path, realm, "cloud")
    assert idp(stack, "apply", config_dir=config).returncode == 0
    admin.change_current_realm(realm)
    for flow, provider in (("idp browser", "idp-username-password-form"), ("idp registration", "idp-email-length")):
        step, siblings = _form_steps(admin, flow, provider)
        assert siblings[0]["id"] == step["id"] and step["requirement"] == "REQUIRED"
        admin.update_authentication_flow_executions({**step, "requirement": "DISABLED"}, flow)
        admin.change_execution_priority(step["id"], -1)  # one place down, as a drag in the admin console
        moved, siblings = _form_steps(admin, flow, provider)
        assert siblings[0]["id"] != moved["id"] and moved["requirement"] == "DISABLED"

    result = idp(stack, "apply", config_dir=config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"~ {realm}: browser-flow/password-form updated" in result.stdout
    assert f"~ {realm}: registration-flow/idp-email-length updated" in result.stdout
    admin.change_current_realm(realm)
    for flow, provider in (("idp browser", "idp-username-password-form"), ("idp registration", "idp-email-length")):
        step, siblings = _form_steps(admin, flow, provider)
        assert siblings[0]["id"] == step["id"] and step["requirement"] == "REQUIRED", (flow, siblings)
    assert "No changes" in idp(stack, "apply", config_dir=config).stdout
    admin.delete_realm(realm)


def test_skip_unchanged_reads_one_list_and_still_applies_a_changed_yaml(stack, admin, tmp_path):
    realm = f"t-skip-{uuid.uuid4().hex[:8]}"
    config = write_tenant_config(tmp_path, realm, "cloud")
    with CountingProxy(stack.keycloak_url) as proxy:
        assert idp(stack, "apply", config_dir=config, url=proxy.url).returncode == 0
        proxy.requests.clear()
        proxy.seen.clear()
        skipped = idp(stack, "apply", "--skip-unchanged", config_dir=config, url=proxy.url)
        assert skipped.returncode == 0, skipped.stderr
        assert "No changes: the YAML, the variables it reads and this idp are as last applied" in skipped.stdout
        assert proxy.writes == [] and sum(proxy.requests.values()) == 2, proxy.requests  # sign-in, realm list

        # A change made by hand stays with --skip-unchanged (its documented trade-off); a full apply undoes it.
        admin.update_realm(realm, {"failureFactor": 11})
        idp(stack, "apply", "--skip-unchanged", config_dir=config, url=proxy.url)
        assert admin.get_realm(realm)["failureFactor"] == 11
        assert idp(stack, "apply", config_dir=config, url=proxy.url).returncode == 0
        assert admin.get_realm(realm)["failureFactor"] == 5

        # A changed YAML is applied even when asked to skip.
        tenant_file = config / "tenants" / f"{realm}.yaml"
        data = yaml.safe_load(tenant_file.read_text())
        data["brute_force"] = {"failures_before_lockout": 7}
        tenant_file.write_text(yaml.safe_dump(data))
        changed = idp(stack, "apply", "--skip-unchanged", config_dir=config, url=proxy.url)
        assert changed.returncode == 0 and f"~ {realm}: realm updated" in changed.stdout, changed.stdout
        assert admin.get_realm(realm)["failureFactor"] == 7

    # The same through the local stack's own connection (no IDP_KEYCLOAK_URL): the CLI's path.
    local = idp(stack, "apply", "--skip-unchanged", config_dir=config)
    assert local.returncode == 0 and "as last applied" in local.stdout, local.stdout + local.stderr
    admin.delete_realm(realm)
    assert "realm created" in idp(stack, "apply", "--skip-unchanged", config_dir=config).stdout, \
        "a tenant's realm deleted by hand is noticed and made again"
    admin.delete_realm(realm)


def test_a_service_account_signs_in_for_apply_and_skip(stack, admin, tmp_path):
    # Keycloak's way for pipelines: a master client whose service account holds the admin role.
    realm = f"t-sa-{uuid.uuid4().hex[:8]}"
    client_id, secret, internal = master_service_account(admin, f"idp-ci-{uuid.uuid4().hex[:6]}")
    try:
        config = write_tenant_config(tmp_path, realm, "cloud")
        with CountingProxy(stack.keycloak_url) as proxy:
            env = {name: value for name, value in stack.env().items() if not name.startswith("IDP_ADMIN_")}
            env |= {"IDP_CONFIG_DIR": str(config), "IDP_KEYCLOAK_URL": proxy.url, "IDP_ADMIN_CLIENT_ID": client_id,
                    "IDP_ADMIN_CLIENT_SECRET": secret, "IDP_SMTP_HOST": "127.0.0.1",
                    "IDP_SMTP_PORT": str(stack.settings.smtp_port),
                    "IDP_SERVICE_CLIENT_SECRET": stack.secrets.service_client_secret,
                    "IDP_SERVICE_PUBLIC_URL": stack.settings.service_url}

            def run(*args: str) -> subprocess.CompletedProcess:
                return subprocess.run([IDP, *args], env=env, capture_output=True, text=True, timeout=300, check=False)

            applied = run("apply")
            assert applied.returncode == 0, applied.stdout + applied.stderr
            assert f"+ {realm}: realm created" in applied.stdout
            assert proxy.requests[("POST", "/realms/master/protocol/openid-connect/token")] == 1, "one sign-in"
            proxy.requests.clear()
            skipped = run("apply", "--skip-unchanged")
            assert skipped.returncode == 0 and "as last applied" in skipped.stdout, skipped.stdout + skipped.stderr
            assert sum(proxy.requests.values()) == 2, proxy.requests  # the client's sign-in, the realm list

            env["IDP_ADMIN_CLIENT_SECRET"] = "wrong"
            refused = run("apply")
            assert refused.returncode == 4 and "refused the admin credentials" in refused.stderr, refused.stderr
            assert "Traceback" not in refused.stderr
    finally:
        admin.change_current_realm("master")
        admin.delete_client(internal)
        if realm in {r["realm"] for r in admin.get_realms()}:
            admin.delete_realm(realm)


def test_prune_is_explicit_and_listed_in_the_plan_first(stack, admin, tmp_path):
    keep, drop = f"t-keep-{uuid.uuid4().hex[:6]}", f"t-drop-{uuid.uuid4().hex[:6]}"
    config = write_tenant_config(tmp_path, keep, "console")
    write_tenant_config(tmp_path, drop, "console")
    assert idp(stack, "apply", config_dir=config).returncode == 0
    tenant_file = config / "tenants" / f"{keep}.yaml"
    data = yaml.safe_load(tenant_file.read_text())
    data["clients"].append({"client_id": "extra-app", "redirect_uris": ["http://127.0.0.1:3999/cb"]})
    tenant_file.write_text(yaml.safe_dump(data))
    assert idp(stack, "apply", config_dir=config).returncode == 0

    (config / "tenants" / f"{drop}.yaml").unlink()
    data["clients"].pop()
    tenant_file.write_text(yaml.safe_dump(data))
    without = idp(stack, "apply", config_dir=config)
    assert "gone from YAML" in without.stdout or "no longer in YAML" in without.stdout
    assert drop in {r["realm"] for r in admin.get_realms()}, "nothing is deleted without --prune"

    plan = idp(stack, "plan", "--prune", config_dir=config)
    assert f"- {drop}: realm delete" in plan.stdout and f"- {keep}: clients/extra-app delete" in plan.stdout
    assert drop in {r["realm"] for r in admin.get_realms()}
    pruned = idp(stack, "apply", "--prune", config_dir=config)
    assert pruned.returncode == 0, pruned.stderr
    assert drop not in {r["realm"] for r in admin.get_realms()}
    admin.change_current_realm(keep)
    assert admin.get_client_id("extra-app") is None
    assert admin.get_client_id("control-panel") is not None, "a realm's other clients stay"
    admin.delete_realm(keep)


def test_apply_never_touches_realms_it_did_not_create(stack, admin, tmp_path):
    foreign = f"t-foreign-{uuid.uuid4().hex[:6]}"
    admin.create_realm({"realm": foreign, "enabled": True})
    config = write_tenant_config(tmp_path, f"t-own-{uuid.uuid4().hex[:6]}", "paas")
    result = idp(stack, "apply", "--prune", config_dir=config)
    assert result.returncode == 0 and foreign not in result.stdout
    assert foreign in {r["realm"] for r in admin.get_realms()}
    admin.delete_realm(foreign)
    shutil.rmtree(config)


def test_a_password_sign_in_is_kept_for_the_next_run_until_it_ends(stack, admin, tmp_path, tmp_path_factory):
    # As kcadm.sh does: the next run asks for a token with the session's refresh token, so Keycloak does
    # not hash the admin password again (provisioner/admin_session.py).
    realm = f"t-kept-{uuid.uuid4().hex[:8]}"
    config = write_tenant_config(tmp_path, realm, "console")
    state = tmp_path_factory.mktemp("state")  # not in the config folder, whose every file the digest covers
    state.chmod(0o700)
    kept = state / "admin-session.json"
    with CountingProxy(stack.keycloak_url) as proxy:
        env = stack.env(IDP_CONFIG_DIR=str(config), IDP_STATE_DIR=str(state), IDP_KEYCLOAK_URL=proxy.url,
                        IDP_ADMIN_USER=stack.admin_user, IDP_ADMIN_PASSWORD=stack.admin_password,
                        IDP_SMTP_HOST="127.0.0.1", IDP_SMTP_PORT=str(stack.settings.smtp_port),
                        IDP_SERVICE_CLIENT_SECRET=stack.secrets.service_client_secret,
                        IDP_SERVICE_PUBLIC_URL=stack.settings.service_url)

        def run(*args: str, **changed: str) -> subprocess.CompletedProcess:
            return subprocess.run([IDP, *args], env={**env, **changed}, capture_output=True, text=True, timeout=300,
                                  check=False)

        try:
            applied = run("apply")
            assert applied.returncode == 0, applied.stdout + applied.stderr
            assert proxy.grants == ["password"]
            assert kept.stat().st_mode & 0o777 == 0o600
            assert stack.admin_password not in kept.read_text(), "the password itself is never kept"

            skipped = run("apply", "--skip-unchanged")
            assert skipped.returncode == 0 and "as last applied" in skipped.stdout, skipped.stdout + skipped.stderr
            assert proxy.grants[1:] == ["refresh_token"], "the kept session signed in, no password hash"

            # A wrong password never rides on the kept session: Keycloak refuses it, as without one, and
            # once (two failures within a second would lock the admin out for a minute in a realm that
            # detects brute force, as the shipped tenants make master).
            refused = run("apply", IDP_ADMIN_PASSWORD="not-the-password")
            assert refused.returncode == 4 and "Traceback" not in refused.stderr
            assert "refused the admin credentials" in refused.stderr, refused.stderr
            assert proxy.grants[2:] == ["password"]

            # Signed out in Keycloak meanwhile: the refresh is refused, the password signs in again.
            session = json.loads(kept.read_text())
            requests.post(f"{stack.keycloak_url}/realms/master/protocol/openid-connect/logout",
                          data={"client_id": "admin-cli", "refresh_token": session["refresh_token"]},
                          timeout=30).raise_for_status()
            before = len(proxy.grants)
            again = run("apply", "--skip-unchanged")
            assert again.returncode == 0 and "as last applied" in again.stdout, again.stdout + again.stderr
            assert proxy.grants[before:] == ["refresh_token", "password"]
            assert json.loads(kept.read_text())["refresh_token"] != session["refresh_token"]

            # Turned off, every run signs in with the password.
            before = len(proxy.grants)
            off = run("apply", "--skip-unchanged", IDP_ADMIN_KEEP_SESSION="false")
            assert off.returncode == 0 and proxy.grants[before:] == ["password"]
        finally:
            admin.change_current_realm("master")
            if realm in {r["realm"] for r in admin.get_realms()}:
                admin.delete_realm(realm)

    # A state dir that does not exist is not made for it.
    missing = tmp_path / "no-state"
    with CountingProxy(stack.keycloak_url) as proxy:
        done = subprocess.run([IDP, "plan"], env={**env, "IDP_STATE_DIR": str(missing), "IDP_KEYCLOAK_URL": proxy.url},
                              capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (missing / "admin-session.json").exists()
