"""`idp backup` / `idp restore` of the dev profile (files, stack stopped), and what a restore refuses."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile

from tests.support.stack import ROOT

IDP = str(ROOT / ".venv" / "bin" / "idp") if (ROOT / ".venv" / "bin" / "idp").exists() else "idp"


def _idp(state_dir, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "IDP_HOME": str(ROOT), "IDP_STATE_DIR": str(state_dir)}
    return subprocess.run([IDP, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def _dev_state(root):
    (root / "data" / "h2").mkdir(parents=True)
    (root / "data" / "h2" / "keycloakdb.mv.db").write_bytes(b"h2 pages" * 100)
    (root / "data" / "service.db").write_bytes(b"sqlite pages")
    (root / "admin.json").write_text('{"username": "admin", "password": "p"}')
    (root / "secrets.json").write_text('{"webhook_secret": "whsec_x"}')
    return root


def test_a_stopped_dev_stack_comes_back_file_for_file(tmp_path):
    source = _dev_state(tmp_path / "old")
    archive = tmp_path / "b.tar.gz"
    made = _idp(source, "backup", "-o", str(archive))
    assert made.returncode == 0, made.stderr
    assert archive.stat().st_mode & 0o777 == 0o600
    assert _idp(source, "backup", "-o", str(archive)).returncode != 0, "never overwrites a file"

    target = tmp_path / "new"
    restored = _idp(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "Start it with `idp up`" in " ".join(restored.stdout.split())
    for name in ("data/h2/keycloakdb.mv.db", "data/service.db", "admin.json", "secrets.json"):
        assert (target / name).read_bytes() == (source / name).read_bytes(), name
    assert (target / "secrets.json").stat().st_mode & 0o777 == 0o600


def test_a_restore_refuses_an_existing_stack_and_foreign_archives(tmp_path):
    existing = _dev_state(tmp_path / "old")
    archive = tmp_path / "b.tar.gz"
    assert _idp(existing, "backup", "-o", str(archive)).returncode == 0
    refused = _idp(existing, "restore", str(archive))
    assert refused.returncode != 0 and "never overwrites" in refused.stderr and "Traceback" not in refused.stderr
    assert (existing / "data" / "service.db").read_bytes() == b"sqlite pages", "nothing was touched"

    not_ours = tmp_path / "other.tar.gz"
    with tarfile.open(not_ours, "w:gz") as tar:
        info = tarfile.TarInfo("../escape")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    for bad, message in ((not_ours, "unsafe entry"), (tmp_path / "missing.tar.gz", "is not a file"),
                         (existing / "admin.json", "is not an `idp backup` archive")):
        result = _idp(tmp_path / "fresh", "restore", str(bad))
        assert result.returncode != 0 and message in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "escape").exists()
