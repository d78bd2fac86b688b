"""Who may give, change and take away which role: the tenant's grant table (contract/accounts.py)
applied to one request, and the last owner kept. Pure functions over the live assignment the caller
read from Keycloak; no I/O, no Flask."""

from __future__ import annotations

from dataclasses import dataclass

from contract.accounts import Accounts
from webhooks.domain_errors import DomainError


class RoleRefused(DomainError):
    status = 403
    code = "role_not_allowed"


class LastOwner(DomainError):
    status = 409
    code = "last_owner"


@dataclass(frozen=True)
class Holder:
    """What the acting user holds in the account right now (from Keycloak, not from a token)."""

    account_role: str | None
    project_roles: dict[str, str]  # project id -> role


def check_account_change(settings: Accounts, actor: Holder, old: str | None, new: str | None,
                         owners: int) -> None:
    """May the actor move a member's account role from `old` to `new` (None: not a member / removed)?
    RoleRefused or LastOwner says why not."""
    for role in (r for r in (old, new) if r is not None):
        if settings.level(role) != "account":
            raise RoleRefused(f"{role!r} is not an account role of this provider.", code="unknown_role", status=422)
        if actor.account_role is None or not settings.may_grant(actor.account_role, role):
            mine = settings.role_name(actor.account_role) if actor.account_role else "no role"
            raise RoleRefused(f"Your role ({mine}) may not give or take away the role {settings.role_name(role)}.")
    if old == settings.owner_role and new != settings.owner_role and owners <= 1:
        raise LastOwner(f"An account always keeps one {settings.role_name(settings.owner_role)}: make another member "
                        f"{settings.role_name(settings.owner_role)} first.")


def check_project_change(settings: Accounts, actor: Holder, project_id: str, old: str | None,
                         new: str | None) -> None:
    """May the actor move a member's role in one project from `old` to `new`? An account role that
    grants the project role will do, or the actor's own role in that project."""
    for role in (r for r in (old, new) if r is not None):
        if settings.level(role) != "project":
            raise RoleRefused(f"{role!r} is not a project role of this provider.", code="unknown_role", status=422)
        by_account = actor.account_role is not None and settings.may_grant(actor.account_role, role)
        in_project = actor.project_roles.get(project_id)
        by_project = in_project is not None and settings.may_grant(in_project, role)
        if not (by_account or by_project):
            raise RoleRefused(f"Your roles may not give or take away the project role {settings.role_name(role)}.")


def may_manage_members(settings: Accounts, actor: Holder) -> bool:
    """Whether the actor may grant any account role (so may see and manage invitations)."""
    return actor.account_role is not None and actor.account_role in settings.managers("account")


def may_manage_projects(settings: Accounts, actor: Holder, project_id: str | None = None) -> bool:
    """An account role that grants project roles manages every project; a project role that grants
    project roles manages its own project."""
    project_ids = {r.id for r in settings.project_roles}

    def grants_project_roles(role_id: str | None) -> bool:
        role = settings.role(role_id) if role_id else None
        return role is not None and bool(project_ids & set(role.grants))

    own = actor.project_roles.get(project_id) if project_id else None
    return grants_project_roles(actor.account_role) or grants_project_roles(own)
