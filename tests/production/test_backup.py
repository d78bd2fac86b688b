"""`idp backup` of the production profile (pg_dump of both databases, with the secrets) restored by
`idp restore` into a fresh state dir: the restored stack starts, the user signs in, and the service
still knows the events it processed."""

from __future__ import annotations

import os
import subprocess
import uuid

import requests

from tests.support.oidc import exchange_code
from tests.support.pages import Browser, Page
from tests.support.production import IDP, forget, production_env, production_stack
from tests.support.stack import create_user
from tests.unit.test_event_intake import _delivery

PASSWORD = "Sunny-Harbor7"


def test_a_backup_restored_into_a_fresh_state_dir_signs_the_user_in(production, make_production_tenant,
                                                                     production_admin, tmp_path):
    tenant = make_production_tenant("cloud")
    _, email = create_user(production_admin, tenant.realm)
    event = {"id": f"kept-{uuid.uuid4().hex}", "kind": "user", "type": "LOGIN", "time": 1700000000000,
             "realm": tenant.realm, "userId": "u-1", "details": {}}
    body, headers = _delivery(event, production.secrets.webhook_secret)
    assert requests.post(f"{production.settings.service_url}/events/keycloak", data=body, headers=headers,
                         timeout=30).status_code == 200
    archive = tmp_path / "backup.tar.gz"
    made = production.idp("backup", "--output", str(archive))
    assert made.returncode == 0, made.stderr
    assert archive.stat().st_mode & 0o077 == 0, "the archive holds secrets: owner only"

    fresh = production.settings.state_dir.with_name(production.settings.state_dir.name + "-restored")
    forget(fresh)
    env = production_env(fresh)
    restored = subprocess.run([IDP, "restore", str(archive)], env={**os.environ, **env}, capture_output=True,
                              text=True, timeout=600, check=False)
    assert restored.returncode == 0, restored.stderr
    assert "Start it with `idp up --profile production`" in " ".join(restored.stdout.split())
    again = subprocess.run([IDP, "restore", str(archive)], env={**os.environ, **env}, capture_output=True,
                           text=True, timeout=600, check=False)
    assert again.returncode != 0 and "never overwrites" in again.stderr and "Traceback" not in again.stderr

    with production_stack(fresh, profile="production", fresh=False) as copy:
        # The original cluster is still running on this machine: the copy must form its own.
        views = [line for line in (fresh / "logs" / "keycloak.log").read_text().splitlines() if "ISPN000094" in line]
        assert views and all("(1) [" in line for line in views), views
        browser = Browser(copy.keycloak_url, tenant.realm, tenant.client.client_id, tenant.client.redirect_uris[0])
        code = browser.login(email, PASSWORD)
        assert isinstance(code, str), code.text[:300] if isinstance(code, Page) else code
        assert exchange_code(browser, code)["access_token"]
        replay, replay_headers = _delivery(event, copy.secrets.webhook_secret)
        assert requests.post(f"{copy.settings.service_url}/events/keycloak", data=replay, headers=replay_headers,
                             timeout=30).status_code == 409, "the service's database came back with the stack"
