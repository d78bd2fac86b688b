"""The admin's session kept between password sign-ins (provisioner/admin_session.py): reused only for
the same URL, user and password while it lasts, kept only in a private state dir, never the password."""

from __future__ import annotations

import time

from provisioner import admin_session
from provisioner.admin_sign_in import AdminSignIn

URL = "http://127.0.0.1:8080"
ADMIN = AdminSignIn(user="admin", password="s3cret-pw")
ANSWER = {"access_token": "a", "expires_in": 60, "refresh_token": "r-1", "refresh_expires_in": 1800}


def _private(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir(mode=0o700)
    return folder


def test_a_kept_session_serves_the_same_url_user_and_password_only(tmp_path):
    folder = _private(tmp_path)
    admin_session.keep(folder, URL, ADMIN, ANSWER)
    saved = folder / admin_session.FILE_NAME
    assert saved.stat().st_mode & 0o777 == 0o600
    assert "s3cret-pw" not in saved.read_text()
    assert admin_session.refresh_token(folder, URL, ADMIN) == "r-1"
    assert admin_session.refresh_token(folder, URL + "/", ADMIN) == "r-1"
    assert admin_session.refresh_token(folder, "http://127.0.0.1:8081", ADMIN) is None
    assert admin_session.refresh_token(folder, URL, AdminSignIn(user="admin", password="other")) is None
    assert admin_session.refresh_token(folder, URL, AdminSignIn(user="root", password="s3cret-pw")) is None
    admin_session.forget(folder)
    assert admin_session.refresh_token(folder, URL, ADMIN) is None


def test_a_session_near_its_end_or_without_one_is_not_used(tmp_path, monkeypatch):
    folder = _private(tmp_path)
    admin_session.keep(folder, URL, ADMIN, {**ANSWER, "refresh_expires_in": 5})
    assert admin_session.refresh_token(folder, URL, ADMIN) is None
    admin_session.keep(folder, URL, ADMIN, ANSWER)
    monkeypatch.setattr(time, "time", lambda: 10**12)
    assert admin_session.refresh_token(folder, URL, ADMIN) is None
    (folder / admin_session.FILE_NAME).unlink()
    admin_session.keep(folder, URL, ADMIN, {**ANSWER, "refresh_expires_in": 0})  # an offline token: no end
    assert not (folder / admin_session.FILE_NAME).exists()


def test_nothing_is_kept_where_others_could_write_or_no_state_dir_exists(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    admin_session.keep(shared, URL, ADMIN, ANSWER)
    assert not (shared / admin_session.FILE_NAME).exists()
    missing = tmp_path / "missing"
    admin_session.keep(missing, URL, ADMIN, ANSWER)
    assert not missing.exists()


def test_a_broken_file_is_no_session(tmp_path):
    folder = _private(tmp_path)
    (folder / admin_session.FILE_NAME).write_text("{not json")
    assert admin_session.refresh_token(folder, URL, ADMIN) is None
    (folder / admin_session.FILE_NAME).write_text('["a list"]')
    assert admin_session.refresh_token(folder, URL, ADMIN) is None


def test_only_password_sign_ins_keep_a_session_and_it_can_be_turned_off():
    assert admin_session.wanted({}, ADMIN)
    assert not admin_session.wanted({}, AdminSignIn(client_id="idp-ci", client_secret="x"))
    for off in ("false", "0", "no", "off", "FALSE"):
        assert not admin_session.wanted({"IDP_ADMIN_KEEP_SESSION": off}, ADMIN)
