"""`idp apply --skip-unchanged`: skip the whole comparison when nothing on our side changed.

A full `idp apply` reads every managed resource (about 40 requests per tenant) to find what differs,
which also catches changes made by hand in the admin console. When a pipeline re-applies the same
YAML many times a day, most runs only confirm that. So every apply records a digest on each tenant's
realm (attribute `idp.appliedDigest`): of the YAML folder's files, of the environment variables the
YAML reads, and of this tool's own code, keyed with the admin password, with the number of tenants
applied. With `--skip-unchanged`, one read of the realm list decides: every one of those tenants'
realms carries today's digest, so nothing here changed since the last apply, and Keycloak is not
compared. Anything else (a changed
file or variable, a new idp, a realm missing or deleted by hand, `--prune`) runs the full apply.
keycloak-config-cli's checksum cache works the same way; like it, this trusts that nobody changed
the realms by hand since, which is why it is asked for, never the default.

Standard library only: the quick path (`provisioner.entry`) decides before the CLI, pydantic and
python-keycloak are imported, which is most of a no-op run's time."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from contract.names import APPLIED_DIGEST_ATTRIBUTE, MANAGED_ATTRIBUTE
from provisioner import early_start
from provisioner.config.env_refs import ENV_REF

# The code that decides what an apply writes: a new version of it may write differently.
_CODE_ROOTS = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "contract")


def _files(root: Path, pattern: str) -> list[Path]:
    return sorted(p for p in root.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def config_digest(config_dir: Path, env: Mapping[str, str], key: str) -> str:
    """The digest of what an apply from config_dir would write: its files, the variables they read,
    and this tool's code. Keyed (HMAC-SHA256) with the admin password: the variables include secrets
    (an SMTP password, say), and the YAML and code may be public, so an unkeyed hash on a realm would
    let anyone who can read the realm's attributes try guesses at a weak one offline."""
    digest = hmac.new(key.encode(), digestmod=hashlib.sha256)
    texts = []
    for path in _files(config_dir, "*"):
        data = path.read_bytes()
        texts.append(data.decode("utf-8", "replace"))
        digest.update(f"file {path.relative_to(config_dir)} {len(data)}\n".encode())
        digest.update(data)
    for name in sorted({m.group(1) for text in texts for m in ENV_REF.finditer(text)}):
        # A variable's value, never stored itself: secrets among them stay out of the realm.
        digest.update(f"env {name} {'=' + env[name] if name in env else 'unset'}\n".encode())
    for root in _CODE_ROOTS:
        for path in _files(root, "*.py"):
            digest.update(f"code {path.relative_to(root.parent)}\n".encode())
            digest.update(path.read_bytes())
    return "hmac-sha256:" + digest.hexdigest()


def stamp(digest: str, tenants: int) -> str:
    """The attribute's value: the digest and how many tenants that apply covered (so a realm deleted
    by hand since, which leaves fewer realms carrying it, is noticed)."""
    return f"{digest} tenants={tenants}"


def unchanged(realms: Iterable[Mapping], digest: str) -> bool:
    """Whether the realm list (Keycloak's representations, with attributes) shows the last apply was
    of exactly this digest and none of its tenants' realms went missing."""
    stamps = [(r.get("attributes") or {}).get(APPLIED_DIGEST_ATTRIBUTE, "") for r in realms
              if (r.get("attributes") or {}).get(MANAGED_ATTRIBUTE) == "true"]
    carrying = [s for s in stamps if s.startswith(digest + " ")]
    if not carrying or len(set(carrying)) != 1:
        return False
    try:
        expected = int(carrying[0].rsplit("tenants=", 1)[1])
    except (IndexError, ValueError):
        return False
    return len(carrying) == expected


def realms_carry(server_url: str, token: str, digest: str) -> bool:
    """Whether Keycloak's realms show `digest` was applied last (one read, with an admin access token from
    provisioner/early_start.py); False if anything differs or cannot be told (Keycloak unreachable, the
    token refused): then the full apply runs and explains."""
    try:
        realms = json.loads(early_start.fetch(f"{server_url.rstrip('/')}/admin/realms",
                                              headers={"Authorization": f"Bearer {token}"}))
    except (OSError, ValueError):
        return False
    return isinstance(realms, list) and unchanged(realms, digest)


def skipped_message(digest: str) -> str:
    return (f"No changes: the YAML, the variables it reads and this idp are as last applied ({digest[:24]}...); "
            "Keycloak was not compared. Run `idp apply` without --skip-unchanged to also undo changes made by hand.")
