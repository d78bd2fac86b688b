"""The `idp` command. `idp apply --skip-unchanged` against an explicit Keycloak (IDP_KEYCLOAK_URL)
decides here, with the standard library, whether anything changed since the last apply: importing
the CLI with pydantic and python-keycloak takes longer than that whole check. It reads only the
variables that check uses (the URL, the sign-in, IDP_CONFIG_DIR or IDP_HOME); the local stack's
settings are the full CLI's. Everything else, and any doubt, goes to the full CLI."""

from __future__ import annotations

import os
import sys


def _quick_skip(argv: list[str]) -> bool:
    if argv[:1] != ["apply"] or "--skip-unchanged" not in argv[1:] or any(a.startswith("--prune") for a in argv):
        return False
    if set(argv[1:]) - {"--skip-unchanged"}:
        return False  # other options (--help among them): the CLI parses them
    env = os.environ
    url = env.get("IDP_KEYCLOAK_URL")
    if not url:
        return False  # the local stack: its address and credentials are the CLI's to find
    from provisioner import admin_sign_in, early_start
    from provisioner.applied_digest import config_digest, realms_carry, skipped_message
    from provisioner.errors import IdpError
    from provisioner.home import config_folder
    try:
        config_dir = config_folder(env)
        sign_in = admin_sign_in.from_env(env)
    except IdpError:
        return False  # the CLI says what is wrong with the settings
    if sign_in is None or not config_dir.is_dir():
        return False
    digest = config_digest(config_dir, env, sign_in.secret)
    token = early_start.access_token(url, sign_in.who)  # begun in main(), while the digest was computed
    if token is None or not realms_carry(url, token, digest):
        return False  # the full apply runs, and says what is wrong if anything is
    print(skipped_message(digest))
    return True


def main() -> None:
    from provisioner import early_start
    early_start.begin(sys.argv[1:], os.environ)  # the sign-in and a realm's keys, while the rest is imported
    if _quick_skip(sys.argv[1:]):
        return
    from provisioner.cli import app
    app()
