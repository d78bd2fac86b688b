"""`idp accounts list|show`, `idp users show` and `idp invite`: the operator's view of accounts and
users, and invitations sent as the operator. They act as the service does (its client's
credentials, its database, its mail), through the service's own accounts modules, so an invitation
made here is the same invitation the service's pages and API make."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import sessionmaker

from contract.names import API_ACCESS_ROLE, CARD_BOUND, ONBOARDING_COMPLETED, PHONE_NUMBER, PHONE_NUMBER_VERIFIED
from provisioner.errors import IdpError
from provisioner.runtime.stack import require_running, service_env
from provisioner.runtime.state import StateDir
from provisioner.settings import Settings
from webhooks.accounts.invitations import Invite
from webhooks.accounts.memberships import account_name
from webhooks.accounts.status import status_of
from webhooks.accounts.wiring import AccountsArea, accounts_area
from webhooks.config import ServiceConfig
from webhooks.db import make_engine, make_sessions, upgrade
from webhooks.domain_errors import DomainError
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.mailer import Mailer


@dataclass(frozen=True)
class Service:
    gateway: KeycloakGateway
    area: AccountsArea
    sessions: sessionmaker


def service(settings: Settings) -> Service:
    """The service's parts, configured as the service is: the local stack's settings, or (with
    IDP_KEYCLOAK_URL set) the same IDP_* variables the deployed service reads."""
    if os.environ.get("IDP_KEYCLOAK_URL"):
        config = ServiceConfig.from_env()
    else:  # the running stack's own ports, which may differ from the defaults
        running, _ = require_running(settings)
        config = ServiceConfig.from_env(service_env(running, StateDir(settings.state_dir)))
    if not config.service_client_secret:
        raise IdpError("IDP_SERVICE_CLIENT_SECRET is not set.", "Set it to the service's shared client secret.")
    engine = make_engine(config.database_url)
    upgrade(engine)
    gateway = KeycloakGateway(config.keycloak_url, config.service_client_id, config.service_client_secret)
    mailer = Mailer(config.smtp_host, config.smtp_port, config.mail_from)
    sessions = make_sessions(engine)
    return Service(gateway, accounts_area(sessions, gateway, mailer, config.public_url, config.dev_inbox), sessions)


def domain_errors(fn):
    """A refusal from the accounts modules is an IdpError (message and exit code 1), not a traceback."""
    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            raise IdpError(exc.message) from None
    return call


def _account_by_number(svc: Service, realm: str, number: str) -> dict:
    org_id = svc.area.store.find(realm, number)
    account = svc.area.store.account(realm, org_id) if org_id else None
    if account is None:
        raise IdpError(f"No account {number} in realm {realm}.", f"List them with `idp accounts list --realm {realm}`.")
    return account


@domain_errors
def list_accounts(settings: Settings, console: Console, realm: str, as_json: bool) -> None:
    svc = service(settings)
    rows = []
    first = 0
    while True:
        page = svc.area.store.all(realm, first, 100)
        rows += [{"id": o["id"], "number": o.get("alias"), "name": account_name(o), "enabled": o.get("enabled", True),
                  "status": status_of(o).status} for o in page]
        if len(page) < 100:
            break
        first += 100
    if as_json:
        console.print_json(json.dumps({"accounts": rows}))
        return
    table = Table("number", "name", "status", "id", "enabled")
    for row in rows:
        table.add_row(row["number"], row["name"], row["status"], row["id"], str(row["enabled"]).lower())
    console.print(table)
    console.print(f"{len(rows)} account(s) in {realm}")


@domain_errors
def show_account(settings: Settings, console: Console, realm: str, number: str, as_json: bool) -> None:
    svc = service(settings)
    account = _account_by_number(svc, realm, number)
    memberships = svc.area.memberships
    projects = {p.id: p.name for p in memberships.projects(realm, account["id"])}
    members = memberships.members(realm, account["id"], None)
    data = {"id": account["id"], "number": account.get("alias"), "name": account_name(account),
            **status_of(account).as_dict(),
            "projects": [{"id": pid, "name": name} for pid, name in projects.items()],
            "members": [{"user_id": m.user_id, "email": m.email, "role": m.account_role,
                         "projects": [{"id": p, "name": projects.get(p, p), "role": r}
                                      for p, r in sorted(m.project_roles.items())]} for m in members]}
    if as_json:
        console.print_json(json.dumps(data))
        return
    console.print(f"Account {data['number']}: {data['name']} ({data['id']})")
    console.print(_status_line(data), highlight=False)
    table = Table("email", "role", "projects")
    for m in data["members"]:
        table.add_row(m["email"], m["role"] or "-", ", ".join(f"{p['name']}: {p['role']}" for p in m["projects"]))
    console.print(table)
    console.print("projects: " + (", ".join(p["name"] for p in data["projects"]) or "none"))


def _status_line(status: dict) -> str:
    extra = f", until {status['trial_ends_at']}" if status.get("trial_ends_at") and status["status"] == "trial" else ""
    reason = f" (reason: {status['reason']})" if status.get("reason") else ""
    return f"status: {status['status']}{extra}{reason}"


@domain_errors
def change_status(settings: Settings, console: Console, realm: str, number: str, action: str, reason: str | None,
                  as_json: bool) -> None:
    """Suspend, resume, activate or close an account, recorded as done by the operator."""
    svc = service(settings)
    account = _account_by_number(svc, realm, number)
    after = svc.area.statuses.change(realm, account["id"], action, reason, actor="operator")
    data = {"id": account["id"], "number": account.get("alias"), **after.as_dict()}
    if as_json:
        console.print_json(json.dumps(data))
    else:
        console.print(f"Account {number}: {_status_line(data)}", highlight=False)


@domain_errors
def show_user(settings: Settings, console: Console, realm: str, email: str, as_json: bool) -> None:
    svc = service(settings)
    user = svc.gateway.find_user(realm, email)
    if user is None:
        raise IdpError(f"No user with email {email} in realm {realm}.")
    attributes = user.get("attributes") or {}

    def first(name: str) -> str | None:
        return (attributes.get(name) or [None])[0]

    data = {"id": user["id"], "email": user.get("email"), "email_verified": bool(user.get("emailVerified")),
            "enabled": bool(user.get("enabled")), "onboarding_complete": first(ONBOARDING_COMPLETED) == "true",
            "phone": first(PHONE_NUMBER), "phone_verified": first(PHONE_NUMBER_VERIFIED) == "true",
            "card_bound": first(CARD_BOUND) == "true",
            "api_access": API_ACCESS_ROLE in svc.gateway.realm_roles_of(realm, user["id"]),
            "accounts": svc.area.memberships.accounts_of(realm, user["id"]) if svc.area.accounts.settings(realm)
            else []}
    if as_json:
        console.print_json(json.dumps(data))
        return
    for key in ("id", "email", "email_verified", "enabled", "onboarding_complete", "phone", "phone_verified",
                "card_bound", "api_access"):
        console.print(f"{key}: {data[key]}", highlight=False)
    for account in data["accounts"]:
        console.print(f"account {account['number']} ({account['name']}): {account['role']}", highlight=False)
    if not data["accounts"]:
        console.print("accounts: none")


@domain_errors
def invite(settings: Settings, console: Console, realm: str, number: str, email: str, role: str,
           project: str | None, project_role: str | None, locale: str, as_json: bool) -> None:
    svc = service(settings)
    account = _account_by_number(svc, realm, number)
    project_id = None
    if project is not None:
        found = [p for p in svc.area.memberships.projects(realm, account["id"]) if project in (p.id, p.name)]
        if not found:
            raise IdpError(f"No project {project!r} in account {number}.",
                           f"See the account's projects with `idp accounts show {number} --realm {realm}`.")
        project_id = found[0].id
    row = svc.area.invitations.create(realm, account["id"], None,
                                      Invite(email, role, project_id, project_role, locale))
    data = {"id": row.id, "email": row.email, "account": row.account_number, "role": row.account_role,
            "project_id": row.project_id, "project_role": row.project_role, "expires_at": row.expires_at.isoformat()}
    if as_json:
        console.print_json(json.dumps(data))
    else:
        console.print(f"Invited {row.email} to account {row.account_number} as {row.account_role}; the link expires "
                      f"{row.expires_at:%Y-%m-%d %H:%M} UTC.", highlight=False)
