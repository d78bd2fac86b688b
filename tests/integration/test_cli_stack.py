"""`idp up/status/logs` as a user meets them on a running stack."""

from __future__ import annotations

import json
import os
import stat
import subprocess

import requests

from tests.integration.test_apply import IDP


def run(stack, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([IDP, *args], env=stack.env(**env), capture_output=True, text=True, timeout=300,
                          check=False)


def test_status_json_gives_every_url_port_and_the_dev_admin(stack):
    result = run(stack, "status", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["running"] is True
    assert info["keycloak"]["port"] == stack.settings.keycloak_port
    assert info["service"]["smtp_port"] == stack.settings.smtp_port
    assert info["admin"] == {"realm": "master", "username": stack.admin_user, "password": stack.admin_password}
    for url in (info["keycloak"]["health"], info["service"]["health"], info["service"]["dev_inbox_api"],
                info["keycloak"]["admin_console"]):
        assert requests.get(url, timeout=10).ok, url
    assert {t["realm"] for t in info["tenants"]} == {"paas", "cloud", "console"}
    assert stat.S_IMODE(os.stat(stack.settings.state_dir / "admin.json").st_mode) == 0o600


def test_up_on_a_running_stack_reports_it_and_restarts_nothing(stack):
    before = json.loads(run(stack, "status", "--json").stdout)
    result = run(stack, "up")
    assert result.returncode == 0, result.stderr
    assert "already running; nothing was restarted" in result.stdout
    after = json.loads(run(stack, "status", "--json").stdout)
    assert after["keycloak"]["pid"] == before["keycloak"]["pid"]
    assert after["service"]["pid"] == before["service"]["pid"]


def test_a_second_stack_on_taken_ports_gets_a_clear_message(stack, tmp_path):
    result = run(stack, "up", IDP_STATE_DIR=str(tmp_path / "other"),
                 IDP_KEYCLOAK_PORT=str(stack.settings.keycloak_port), IDP_SERVICE_PORT=str(stack.settings.service_port),
                 IDP_MANAGEMENT_PORT=str(stack.settings.management_port), IDP_SMTP_PORT=str(stack.settings.smtp_port))
    assert result.returncode == 3
    assert f"Keycloak HTTP port {stack.settings.keycloak_port} (set IDP_KEYCLOAK_PORT to move it)" in result.stderr
    assert "Traceback" not in result.stderr


def test_logs_shows_the_keycloak_log(stack):
    result = run(stack, "logs", "keycloak", "-n", "5")
    assert result.returncode == 0 and result.stdout.strip()
    wrong = run(stack, "logs", "nonsense")
    assert wrong.returncode == 1 and "Choose one of: keycloak, service" in wrong.stderr


def test_apply_when_the_stack_is_down_says_how_to_start_it(stack, tmp_path):
    result = run(stack, "apply", IDP_STATE_DIR=str(tmp_path / "never-started"))
    assert result.returncode == 3
    assert "The local stack is not running." in result.stderr and "idp up" in result.stderr


def test_status_names_the_metrics_and_both_serve_them(stack, admin):
    info = json.loads(run(stack, "status", "--json").stdout)
    admin.get_realms()  # the admin's sign-in (made by the fixture) is a user event of the master realm
    keycloak = requests.get(info["keycloak"]["metrics"], timeout=10)
    assert keycloak.ok and "keycloak_user_events_total" in keycloak.text, keycloak.text[:300]
    assert 'realm="master"' in keycloak.text
    service = requests.get(info["service"]["metrics"], timeout=10)
    assert service.ok and 'idp_http_requests_total{method="GET",route="/healthz"' in service.text
    shown = run(stack, "status")
    assert "Metrics (Prometheus)" in shown.stdout and "/metrics" in shown.stdout
