"""The admin user's Keycloak session, kept between `idp` runs that sign in with a password.

Keycloak hashes the admin password (Argon2) at every password sign-in: about 70-90 ms of a
`idp apply --skip-unchanged` that otherwise takes 50-60. Like kcadm.sh, which keeps its tokens in
~/.keycloak/kcadm.config, idp keeps the session's refresh token and the next run asks for a new access
token with it (Keycloak checks a signature and the session, no hash). A run after the session ended
(Keycloak's SSO session idle, 30 minutes by default for the master realm, or its maximum), or with
another URL, user or password, signs in with the password again.

Where and how it is kept:
- `admin-session.json` in the state dir (IDP_STATE_DIR, default `.idp`), only if that folder already
  exists, belongs to this user and no one else may write to it; never created for this. The file is
  mode 0600 and replaced whole (written beside, then renamed).
- Bound to the Keycloak URL, the user and the password by an HMAC-SHA256 keyed with the password: a
  changed or wrong IDP_ADMIN_PASSWORD never rides on an older session. (Like the applied digest,
  that HMAC lets whoever reads the file test password guesses offline; whoever reads it also holds the
  session itself until it ends.)
- Never for a service account (its secret is checked without a hash); never when
  IDP_ADMIN_KEEP_SESSION=false.

Standard library only: provisioner/early_start.py uses it before the sign-in starts."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path

from provisioner.admin_sign_in import AdminSignIn, keeps_session

FILE_NAME = "admin-session.json"
_MARGIN = 10.0  # seconds: a refresh token this close to its end is not worth a request


def wanted(env: Mapping[str, str], sign_in: AdminSignIn) -> bool:
    """Whether this run keeps (and reuses) the admin's session: password sign-ins, unless turned off."""
    return bool(sign_in.password) and keeps_session(env)


def _binding(url: str, sign_in: AdminSignIn) -> str:
    message = f"idp admin session\n{url.rstrip('/')}\n{sign_in.user}".encode()
    return hmac.new((sign_in.password or "").encode(), message, hashlib.sha256).hexdigest()


def _private(folder: Path) -> bool:
    try:
        info = folder.stat()
    except OSError:
        return False
    return folder.is_dir() and info.st_uid == os.getuid() and not info.st_mode & 0o022


def refresh_token(folder: Path, url: str, sign_in: AdminSignIn) -> str | None:
    """The kept session's refresh token for this URL, user and password; None if there is none that
    is still good."""
    if not _private(folder):
        return None
    try:
        saved = json.loads((folder / FILE_NAME).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or not isinstance(saved.get("refresh_token"), str):
        return None
    if not hmac.compare_digest(str(saved.get("binding", "")), _binding(url, sign_in)):
        return None
    expires = saved.get("refresh_expires_at")
    if not isinstance(expires, (int, float)) or expires < time.time() + _MARGIN:
        return None
    return saved["refresh_token"]


def keep(folder: Path, url: str, sign_in: AdminSignIn, token: Mapping) -> None:
    """Keep the session of a token answer (password or refresh grant) for the next run; quietly nothing
    when the folder is not private or the answer has no refresh token with an end."""
    lifetime = token.get("refresh_expires_in")
    if not token.get("refresh_token") or not isinstance(lifetime, int) or lifetime <= 0 or not _private(folder):
        return  # an offline token (no end) is never kept
    record = {"binding": _binding(url, sign_in), "refresh_token": token["refresh_token"],
              "refresh_expires_at": int(time.time()) + lifetime}
    partial = folder / f".{FILE_NAME}.{os.getpid()}"
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(record, out)
        os.replace(partial, folder / FILE_NAME)
    except OSError:
        partial.unlink(missing_ok=True)  # a read-only folder, a full disk: the next run signs in again


def forget(folder: Path) -> None:
    """Drop the kept session (its refresh token was refused)."""
    with contextlib.suppress(OSError):
        (folder / FILE_NAME).unlink(missing_ok=True)
