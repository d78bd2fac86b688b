"""The `idp` command: run the local stack and manage tenants as code."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from provisioner import applied_digest, reconcile
from provisioner import export as exporting
from provisioner.config.loader import load_tenants
from provisioner.connection import open_target
from provisioner.errors import IdpError
from provisioner.runtime import backup as backups
from provisioner.runtime import production, stack
from provisioner.runtime.state import StateDir, admin_credentials
from provisioner.settings import Settings

app = typer.Typer(help="Sign-up and identity platform on Keycloak: local stack and tenants as code.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()
err = Console(stderr=True, soft_wrap=True)
F = TypeVar("F", bound=Callable)


def friendly(command: F) -> F:
    """Turn IdpError into 'error: ...' plus a hint and the error's exit code; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except IdpError as exc:
            # The message may quote YAML or patterns like [a-z]; it must not be read as rich markup.
            err.print("[red]error:[/red]", end=" ")
            err.print(exc.message, highlight=False, markup=False)
            if exc.hint:
                err.print(f"hint: {exc.hint}", highlight=False, markup=False)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err.print("interrupted")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except IdpError as exc:
        err.print("[red]error:[/red]", end=" ")
        err.print(exc.message, highlight=False, markup=False)
        raise typer.Exit(exc.exit_code) from None


def stack_status(settings: Settings) -> dict:
    """Everything a person or a script needs to reach the stack."""
    info = stack.running(settings)
    local = stack.settings_for_running_stack(settings)
    state = StateDir(settings.state_dir)
    kc = local.keycloak_public_url
    try:
        realms = [t.realm for t in load_tenants(settings.config_dir)]
    except IdpError:
        realms = []
    admin = admin_credentials(state) if state.admin_file.exists() else None
    nodes = [{"name": "node-2", "url": f"http://127.0.0.1:{local.keycloak_2_port}",
               "management_url": f"http://127.0.0.1:{local.management_2_port}", "pid": info.get("keycloak_2_pid")}
             ] if info and info.get("nodes") == 2 else []
    return {
        "running": info is not None,
        "profile": (info or {}).get("profile", "dev"),
        "other_keycloak_nodes": nodes,
        "keycloak": {"url": kc, "local_url": local.keycloak_url, "port": local.keycloak_port,
                     "admin_console": f"{kc}/admin/master/console/",
                     "management_url": local.management_url, "health": f"{local.management_url}/health/ready",
                     "metrics": f"{local.management_url}/metrics", "pid": (info or {}).get("keycloak_pid")},
        "service": {"url": local.service_url, "port": local.service_port, "health": f"{local.service_url}/healthz",
                    "metrics": f"{local.service_url}/metrics",
                    "dev_inbox": f"{local.service_url}/dev/inbox",
                    "dev_inbox_api": f"{local.service_url}/dev/inbox/api/messages",
                    "smtp_host": "127.0.0.1", "smtp_port": local.smtp_port, "pid": (info or {}).get("service_pid")},
        "admin": {"realm": "master", "username": admin.username, "password": admin.password} if admin else None,
        "tenants": [{"realm": r, "login": f"{kc}/realms/{r}/account", "account_console": f"{kc}/realms/{r}/account",
                     "issuer": f"{kc}/realms/{r}"} for r in realms],
        "state_dir": str(settings.state_dir),
        "logs": {"keycloak": str(state.logs / "keycloak.log"), "service": str(state.logs / "service.log")},
    }


def _print_where_to_go(status: dict) -> None:
    table = Table(title="Where to go", show_header=False, title_justify="left")
    for tenant in status["tenants"]:
        table.add_row(f"Tenant {tenant['realm']}", f"{tenant['login']}  (sign in or register)")
    table.add_row("Dev inbox (email)", status["service"]["dev_inbox"])
    table.add_row("Admin console", status["keycloak"]["admin_console"])
    table.add_row("Metrics (Prometheus)", f"{status['keycloak']['metrics']}  {status['service']['metrics']}")
    console.print(table)
    if status["admin"]:
        console.print(f"Admin sign-in: user [bold]{status['admin']['username']}[/bold], password in "
                      f"{status['state_dir']}/admin.json (or `idp status --json`).")
    console.print("Stop with `idp down`; logs with `idp logs keycloak` or `idp logs service`.")


@app.command()
@friendly
def install() -> None:
    """Fetch and verify Keycloak, build the extension, run kc.sh build if needed. No server starts."""
    stack.install(_settings(), console)


@app.command()
@friendly
def up(profile: Annotated[str, typer.Option(
        help="dev: Keycloak on its file database, one service process. production: PostgreSQL, Keycloak "
             "built for it, the service under gunicorn. cluster: production with a second Keycloak node.")]
        = "dev") -> None:
    """Start the stack (service + dev mail sink, Keycloak) and apply every tenant."""
    settings = _settings()
    if profile not in production.PROFILES:
        raise IdpError(f"There is no profile {profile!r}.", f"Choose one of: {', '.join(production.PROFILES)}.")
    if profile == "dev":
        stack.up(settings, console)
    else:
        production.up(settings, console, profile)
    _apply(settings, prune=False)
    _print_where_to_go(stack_status(settings))


@app.command()
@friendly
def down() -> None:
    """Stop Keycloak and the service. Data stays in the state folder."""
    stack.down(_settings(), console)


@app.command()
@friendly
def status(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable, with dev admin credentials.")]
           = False) -> None:
    """Is the stack running, and where is everything."""
    info = stack_status(_settings())
    if as_json:
        sys.stdout.write(json.dumps(info, indent=2) + "\n")
        return
    console.print("Running." if info["running"] else "Not running (start with `idp up`).")
    _print_where_to_go(info)


@app.command()
@friendly
def logs(which: Annotated[str, typer.Argument(
        help="keycloak, service, maven or kc-build; in the production profile also keycloak-2, "
             "service-access, service-worker, postgres")] = "keycloak",
         follow: Annotated[bool, typer.Option("-f", "--follow")] = False,
         lines: Annotated[int, typer.Option("-n", "--lines")] = 100) -> None:
    """Show the end of a log file (and follow it with -f)."""
    files = {name: f"{name}.log" for name in ("keycloak", "service", "maven", "kc-build", "keycloak-2",
                                              "service-access", "service-worker", "postgres")}
    if which not in files:
        raise IdpError(f"There is no log called {which!r}.", f"Choose one of: {', '.join(files)}.")
    path = StateDir(_settings().state_dir).logs / files[which]
    if not path.exists():
        raise IdpError(f"{path} does not exist yet.", "Start the stack with `idp up` first.")
    subprocess.run(["tail", f"-n{lines}", *(["-F"] if follow else []), str(path)], check=False)


@app.command("backup")
@friendly
def backup_command(output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Archive to write (default: idp-backup-<time>.tar.gz here).")] = None) -> None:
    """Back up the local stack's databases and secrets into one archive (mode 0600)."""
    settings = _settings()
    target = output or Path(f"idp-backup-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar.gz")
    written = backups.backup(settings, target, console)
    console.print(f"Backed up to {written} (it holds the admin password and the shared secrets: keep it private).")


@app.command("restore")
@friendly
def restore_command(archive: Annotated[Path, typer.Argument(help="An archive written by `idp backup`.")]) -> None:
    """Restore a backup into a fresh state dir (IDP_STATE_DIR); never over an existing stack."""
    settings = _settings()
    profile = backups.restore(settings, archive, console)
    start = "idp up" if profile == "dev" else f"idp up --profile {profile}"
    console.print(f"Restored into {settings.state_dir}. Start it with `{start}`.")


@app.command()
@friendly
def validate() -> None:
    """Check every tenant YAML against the schema; names file, line, key path and problem."""
    tenants = load_tenants(_settings().config_dir)
    console.print(f"{len(tenants)} tenant(s) valid: {', '.join(t.realm for t in tenants)}")


@app.command()
@friendly
def plan(prune: Annotated[bool, typer.Option(help="Also list managed realms/clients gone from YAML.")] = False
         ) -> None:
    """Show what apply would change, resource by resource. Writes nothing."""
    settings = _settings()
    target = open_target(settings)
    tenants = load_tenants(settings.config_dir, target.env)
    reconcile.render_plan(console, reconcile.plan(target.admin, tenants, prune))


def _apply(settings: Settings, prune: bool, skip_unchanged: bool = False) -> None:
    target = open_target(settings)
    digest = applied_digest.config_digest(settings.config_dir, target.env, target.admin_secret)
    if skip_unchanged and not prune and applied_digest.unchanged(reconcile.realms(target.admin), digest):
        console.print(applied_digest.skipped_message(digest), highlight=False)
        return
    tenants = load_tenants(settings.config_dir, target.env)
    done, stamped = reconcile.apply_and_record(target.admin, tenants, console, prune,
                                               applied_digest.stamp(digest, len(tenants)))
    writes = sum(1 for c in done if c.is_write)
    console.print(f"Applied {writes} change(s)." if writes else "No changes. Keycloak matches the YAML.")
    if stamped and not writes:
        console.print(f"Recorded the applied digest on {stamped} realm(s), for `idp apply --skip-unchanged`.")


@app.command()
@friendly
def apply(prune: Annotated[bool, typer.Option(help="Delete managed realms/clients that are gone from YAML.")]
          = False,
          skip_unchanged: Annotated[bool, typer.Option(
              "--skip-unchanged", help="Skip comparing Keycloak when the YAML, the variables it reads and idp are "
                                       "as last applied (one read). Changes made by hand in Keycloak stay until a "
                                       "full apply.")] = False) -> None:
    """Make Keycloak match the YAML. Idempotent: a second run changes nothing."""
    _apply(_settings(), prune, skip_unchanged)


@app.command()
@friendly
def export(realm: Annotated[list[str] | None, typer.Option(help="Only these realms (default: every tenant).")]
           = None) -> None:
    """Write secret-free, deterministic JSON of each realm to realm-exports/."""
    settings = _settings()
    target = open_target(settings)
    names = realm or [t.realm for t in load_tenants(settings.config_dir, target.env)]
    for name in names:
        path = settings.exports_dir / f"{name}.json"
        changed = exporting.write_export(exporting.export_realm(target.admin, name), path)
        console.print(f"{path}: {'written' if changed else 'unchanged'}")


# The accounts commands load the service's modules (Flask among them): imported when run, so the
# other commands start as fast as before.
Realm = Annotated[str, typer.Option("--realm", help="The tenant's realm, e.g. cloud.")]
AsJson = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]

accounts_app = typer.Typer(help="Accounts (organizations): list them, show one with its members and roles, and "
                                "suspend, resume, activate or close one.",
                           no_args_is_help=True)
users_app = typer.Typer(help="Users: onboarding state, phone, card, accounts and API access.",
                        no_args_is_help=True)
app.add_typer(accounts_app, name="accounts")
app.add_typer(users_app, name="users")


@accounts_app.command("list")
@friendly
def accounts_list(realm: Realm, as_json: AsJson = False) -> None:
    """Every account of the realm: number, name, id."""
    from provisioner import accounts_cli
    accounts_cli.list_accounts(_settings(), console, realm, as_json)


@accounts_app.command("show")
@friendly
def accounts_show(number: Annotated[str, typer.Argument(help="The account number, e.g. 4829-1736.")],
                  realm: Realm, as_json: AsJson = False) -> None:
    """One account: its members with their account and project roles, and its projects."""
    from provisioner import accounts_cli
    accounts_cli.show_account(_settings(), console, realm, number, as_json)


Yes = Annotated[bool, typer.Option("--yes", help="Do it without asking first.")]


def _confirm(question: str, yes: bool) -> None:
    if not yes and not typer.confirm(question, default=False):
        raise IdpError("Nothing changed.", "Answer y to go ahead, or pass --yes.")


Reason = Annotated[str | None, typer.Option("--reason", help="Why (shown to the account's members and in the "
                                                                "token's status_reason); needed to suspend or close.")]


def _status_command(action: str, number: str, realm: str, reason: str | None, yes: bool, as_json: bool,
                    question: str) -> None:
    if action in ("suspend", "close") and not (reason or "").strip():
        raise IdpError(f"Say why you {action} the account.",
                       f'e.g. idp accounts {action} {number} --realm {realm} --reason "unpaid invoice 2026-11"')
    _confirm(question, yes)
    from provisioner import accounts_cli
    accounts_cli.change_status(_settings(), console, realm, number, action, reason, as_json)


AccountNumber = Annotated[str, typer.Argument(help="The account number, e.g. 4829-1736.")]


@accounts_app.command("suspend")
@friendly
def accounts_suspend(number: AccountNumber, realm: Realm, reason: Reason = None, yes: Yes = False,
                     as_json: AsJson = False) -> None:
    """Suspend an account: its members still sign in and see why, but get no API or personal access token for it."""
    _status_command("suspend", number, realm, reason, yes, as_json, f"Suspend account {number} in {realm}?")


@accounts_app.command("resume")
@friendly
def accounts_resume(number: AccountNumber, realm: Realm, yes: Yes = False, as_json: AsJson = False) -> None:
    """Resume a suspended account: it returns to the status it had (active, trial or pending)."""
    _status_command("resume", number, realm, None, yes, as_json, f"Resume account {number} in {realm}?")


@accounts_app.command("activate")
@friendly
def accounts_activate(number: AccountNumber, realm: Realm, yes: Yes = False, as_json: AsJson = False) -> None:
    """Make a pending or trial account active (e.g. its trial was paid for)."""
    _status_command("activate", number, realm, None, yes, as_json, f"Activate account {number} in {realm}?")


@accounts_app.command("close")
@friendly
def accounts_close(number: AccountNumber, realm: Realm, reason: Reason = None, yes: Yes = False,
                   as_json: AsJson = False) -> None:
    """Close an account for good: no token works for it, and it cannot be reopened."""
    _status_command("close", number, realm, reason, yes, as_json,
                    f"Close account {number} in {realm}? A closed account cannot be reopened.")


@users_app.command("show")
@friendly
def users_show(email: Annotated[str, typer.Argument(help="The user's email address.")], realm: Realm,
               as_json: AsJson = False) -> None:
    """One user: email verified, onboarding complete, phone, card bound, accounts and roles, API access."""
    from provisioner import accounts_cli
    accounts_cli.show_user(_settings(), console, realm, email, as_json)


@users_app.command("api-access")
@friendly
def users_api_access(email: Annotated[str, typer.Argument(help="The user's email address.")],
                     state: Annotated[str, typer.Argument(help="on or off.")], realm: Realm,
                     as_json: AsJson = False) -> None:
    """Turn a user's API access (command-line tools through the cli client) on or off."""
    if state not in ("on", "off"):
        raise IdpError(f"{state!r}: say on or off.", f"e.g. idp users api-access {email} on --realm {realm}")
    from provisioner import api_access_cli
    api_access_cli.set_api_access(_settings(), console, realm, email, state == "on", as_json)


@users_app.command("unlock")
@friendly
def users_unlock(email: Annotated[str, typer.Argument(help="The user's email address.")], realm: Realm,
                 yes: Yes = False, as_json: AsJson = False) -> None:
    """End a brute-force lockout now (forget the user's failed sign-ins)."""
    _confirm(f"Unlock {email} in {realm}?", yes)
    from provisioner import support_cli
    support_cli.unlock(_settings(), console, realm, email, as_json)


@users_app.command("reset-onboarding")
@friendly
def users_reset_onboarding(email: Annotated[str, typer.Argument(help="The user's email address.")], realm: Realm,
                           yes: Yes = False, as_json: AsJson = False) -> None:
    """Make the user go through onboarding again from its first step."""
    _confirm(f"Reset the onboarding of {email} in {realm}? Their finished steps are forgotten.", yes)
    from provisioner import support_cli
    support_cli.reset_onboarding(_settings(), console, realm, email, as_json)


phones_app = typer.Typer(help="Phone numbers held by accounts.", no_args_is_help=True)
app.add_typer(phones_app, name="phones")


@phones_app.command("release")
@friendly
def phones_release(number: Annotated[str, typer.Argument(help="The number, e.g. +79991234567.")], realm: Realm,
                   yes: Yes = False, as_json: AsJson = False) -> None:
    """Free a number held by a deleted or mistaken account, so another account may verify it."""
    from provisioner import support_cli
    normalized = support_cli.e164(number)
    _confirm(f"Release {normalized} in {realm}? Whoever holds it loses it.", yes)
    support_cli.release_phone(_settings(), console, realm, normalized, as_json)


@app.command()
@friendly
def invite(email: Annotated[str, typer.Argument(help="Who to invite.")], realm: Realm,
           account: Annotated[str, typer.Option(help="The account number, e.g. 4829-1736.")],
           role: Annotated[str, typer.Option(help="The account role, e.g. member.")],
           project: Annotated[str | None, typer.Option(help="A project (name or id) to add them to.")] = None,
           project_role: Annotated[str | None, typer.Option(help="Their role in that project.")] = None,
           locale: Annotated[str, typer.Option(help="The email's language: en or ru.")] = "en",
           as_json: AsJson = False) -> None:
    """Invite someone to an account as the operator (any role the tenant declares); the email goes out at once."""
    if (project is None) != (project_role is None):
        raise IdpError("--project and --project-role go together.", "Give both, or neither.")
    if locale not in ("en", "ru"):
        raise IdpError(f"--locale {locale!r}: use en or ru.")
    from provisioner import accounts_cli
    accounts_cli.invite(_settings(), console, realm, account, email, role, project, project_role, locale, as_json)


@app.command()
@friendly
def env(keycloak_url: Annotated[str, typer.Option(help="Keycloak's public URL (browsers, issuer).")]
        = "http://localhost:8080",
        service_url: Annotated[str, typer.Option(help="The service's public URL.")] = "http://localhost:5080",
        output: Annotated[str | None, typer.Option(help="Write this file (never overwritten); default: stdout.")]
        = None) -> None:
    """Print a .env for docker-compose.yml with fresh random secrets: `idp env --output .env`."""
    from pathlib import Path

    from provisioner.deploy_env import compose_env

    for name, url in (("--keycloak-url", keycloak_url), ("--service-url", service_url)):
        if not url.startswith(("http://", "https://")):
            raise IdpError(f"{name} {url!r} is not an http(s) URL.", "e.g. https://id.example.com")
    text = compose_env(keycloak_url, service_url)
    if output is None:
        sys.stdout.write(text)
        return
    path = Path(output)
    if path.exists():
        raise IdpError(f"{path} exists; it is not overwritten (its secrets guard the databases).",
                       "Move it away first if you really mean to start over.")
    path.write_text(text)
    path.chmod(0o600)
    console.print(f"Wrote {path} (readable by you only).")
