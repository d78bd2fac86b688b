"""Members of an account and their roles, read live from Keycloak and changed within the tenant's
grant table (rules.py): list members, change a member's account role or project role, remove a
member. Every decision reads the actor's current assignment from Keycloak, never a token."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from contract.accounts import PROJECT_NAME_MAX, Accounts, project_name
from contract.names import ACCOUNT_NAME_ATTRIBUTE, ACCOUNT_ROLES_GROUP, PROJECTS_GROUP
from webhooks.accounts.events import AccountEvents
from webhooks.accounts.keycloak_store import KeycloakAccounts
from webhooks.accounts.rules import (
    Holder,
    RoleRefused,
    check_account_change,
    check_project_change,
    may_manage_members,
    may_manage_projects,
)
from webhooks.accounts.service import AccountService, AccountsNotRunnable
from webhooks.accounts.status import status_of
from webhooks.domain_errors import DomainError

log = logging.getLogger(__name__)


class NotFound(DomainError):
    status = 404
    code = "not_found"


@dataclass
class Member:
    user_id: str
    email: str
    name: str
    account_role: str | None
    project_roles: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Project:
    id: str
    name: str


def holder_of(groups: list[dict]) -> Holder:
    """The roles an organization-group list stands for: `/roles/<r>`, `/projects/<name>/<r>`."""
    account_role, projects = None, {}
    for group in groups:
        parts = (group.get("path") or "").strip("/").split("/")
        if len(parts) == 2 and parts[0] == ACCOUNT_ROLES_GROUP:
            account_role = parts[1]
        elif len(parts) == 3 and parts[0] == PROJECTS_GROUP and group.get("parentId"):
            projects[group["parentId"]] = parts[2]
    return Holder(account_role, projects)


class Memberships:
    def __init__(self, accounts: AccountService, store: KeycloakAccounts, events: AccountEvents) -> None:
        self._accounts, self._store, self.events = accounts, store, events

    def settings_or_none(self, realm: str) -> Accounts | None:
        """The tenant's accounts settings, or None when it has no accounts."""
        return self._accounts.settings(realm)

    def settings(self, realm: str) -> Accounts:
        settings = self._accounts.settings(realm)
        if settings is None:
            raise AccountsNotRunnable("This provider has no accounts.", status=404, code="no_accounts")
        return settings

    def accounts_of(self, realm: str, user_id: str) -> list[dict]:
        """The user's accounts with their account role and the account's status, live."""
        out = []
        for org in self._store.accounts_of(realm, user_id):
            holder = self.holder(realm, org["id"], user_id)
            status = status_of(org)
            out.append({"id": org["id"], "number": org.get("alias"), "name": account_name(org),
                        "role": holder.account_role if holder else None, "status": status.status,
                        "status_reason": status.reason, "trial_ends_at": status.trial_ends_at})
        return out

    def holder(self, realm: str, org_id: str, user_id: str) -> Holder | None:
        groups = self._store.member_groups(realm, org_id, user_id)
        return None if groups is None else holder_of(groups)

    def membership(self, realm: str, org_id: str, user_id: str) -> tuple[dict, Holder]:
        """The account and the acting user's live roles in it; a non-member is told the account does
        not exist for them."""
        account = self._store.account(realm, org_id)
        holder = self.holder(realm, org_id, user_id) if account else None
        if account is None or holder is None:
            raise NotFound("No such account, or you are not a member of it.")
        return account, holder

    def actor_roles(self, realm: str, org_id: str, user_id: str) -> Holder:
        return self.membership(realm, org_id, user_id)[1]

    def projects(self, realm: str, org_id: str) -> list[Project]:
        top = next((g for g in self._store.top_groups(realm, org_id) if g["name"] == PROJECTS_GROUP), None)
        return [Project(g["id"], g["name"]) for g in self._store.children(realm, org_id, top["id"])] if top else []

    def project(self, realm: str, org_id: str, project_id: str) -> Project:
        """One project of the account by id (its name may have changed), or NotFound."""
        found = next((p for p in self.projects(realm, org_id) if p.id == project_id), None)
        if found is None:
            raise NotFound("No such project in this account.")
        return found

    def members(self, realm: str, org_id: str, actor_id: str | None) -> list[Member]:
        """Every member and their roles; any member may see them (actor None: the operator, by `idp`)."""
        if actor_id is not None:
            self.actor_roles(realm, org_id, actor_id)
        out = []
        for user in self._store.members(realm, org_id):
            holder = self.holder(realm, org_id, user["id"]) or Holder(None, {})
            person = " ".join(p for p in (user.get("firstName"), user.get("lastName")) if p)
            out.append(Member(user["id"], user.get("email") or "", person, holder.account_role,
                              dict(holder.project_roles)))
        return sorted(out, key=lambda m: m.email)

    def _owners(self, realm: str, org_id: str, settings: Accounts) -> int:
        group = self._store.group(realm, org_id, [ACCOUNT_ROLES_GROUP, settings.owner_role])
        return len(self._store.group_members(realm, org_id, group))

    def _target(self, realm: str, org_id: str, user_id: str) -> Holder:
        holder = self.holder(realm, org_id, user_id)
        if holder is None:
            raise NotFound("That user is not a member of this account; invite them instead.")
        return holder

    def change_account_role(self, realm: str, org_id: str, actor_id: str, user_id: str, role: str) -> None:
        settings = self.settings(realm)
        actor = self.actor_roles(realm, org_id, actor_id)
        target = self._target(realm, org_id, user_id)
        if target.account_role == role:
            return
        check_account_change(settings, actor, target.account_role, role, self._owners(realm, org_id, settings))
        # Give the new role before taking the old: the member is never left with none.
        self._store.give(realm, org_id, [ACCOUNT_ROLES_GROUP, role], user_id)
        if target.account_role:
            self._store.take(realm, org_id, [ACCOUNT_ROLES_GROUP, target.account_role], user_id)
        self.events.record(realm, org_id, "role_changed", actor_id, user_id, before=target.account_role, after=role)

    def remove(self, realm: str, org_id: str, actor_id: str, user_id: str) -> None:
        settings = self.settings(realm)
        actor = self.actor_roles(realm, org_id, actor_id)
        target = self._target(realm, org_id, user_id)
        if target.account_role is not None:
            check_account_change(settings, actor, target.account_role, None, self._owners(realm, org_id, settings))
        elif not may_manage_members(settings, actor):
            raise RoleRefused("Your role may not remove members.")
        self._store.remove_member(realm, org_id, user_id)
        self.events.record(realm, org_id, "member_removed", actor_id, user_id, role=target.account_role)

    def set_project_role(self, realm: str, org_id: str, actor_id: str, user_id: str, project_id: str,
                         role: str | None) -> None:
        settings = self.settings(realm)
        actor = self.actor_roles(realm, org_id, actor_id)
        target = self._target(realm, org_id, user_id)
        project = self.project(realm, org_id, project_id)
        old = target.project_roles.get(project_id)
        if old == role:
            return
        check_project_change(settings, actor, project_id, old, role)
        if role is not None:
            self._store.give(realm, org_id, [PROJECTS_GROUP, project.name, role], user_id)
        if old is not None:
            self._store.take(realm, org_id, [PROJECTS_GROUP, project.name, old], user_id)
        self.events.record(realm, org_id, "project_role_changed", actor_id, user_id, project_id=project_id,
                           before=old, after=role)


def account_name(org: dict) -> str:
    """The account's name (its organization's accountName attribute)."""
    names = (org.get("attributes") or {}).get(ACCOUNT_NAME_ATTRIBUTE) or []
    return names[0] if names else org.get("name", "")


def _project_name(name: object) -> str:
    valid = project_name(name)
    if valid is None:
        raise DomainError(f"name: 1 to {PROJECT_NAME_MAX} characters, no '/'.", code="invalid_name", status=422)
    return valid


class Projects:
    """Creating and renaming an account's projects (seeds 001, 002)."""

    def __init__(self, memberships: Memberships, store: KeycloakAccounts) -> None:
        self._memberships, self._store = memberships, store

    def create(self, realm: str, org_id: str, actor_id: str, name: object) -> Project:
        settings = self._memberships.settings(realm)
        actor = self._memberships.actor_roles(realm, org_id, actor_id)
        if not may_manage_projects(settings, actor):
            raise RoleRefused("Your role may not create projects.")
        name = _project_name(name)
        if any(p.name == name for p in self._memberships.projects(realm, org_id)):
            raise DomainError(f"There is a project named {name!r} already.", code="project_exists", status=409)
        project_id = self._store.group(realm, org_id, [PROJECTS_GROUP, name])
        if settings.default_project_role:  # the creator can work in it and bring others in
            self._store.give(realm, org_id, [PROJECTS_GROUP, name, settings.default_project_role], actor_id)
        self._memberships.events.record(realm, org_id, "project_created", actor_id, actor_id, project_id=project_id,
                                        name=name)
        return Project(project_id, name)

    def rename(self, realm: str, org_id: str, actor_id: str, project_id: str, name: object) -> Project:
        settings = self._memberships.settings(realm)
        actor = self._memberships.actor_roles(realm, org_id, actor_id)
        project = self._memberships.project(realm, org_id, project_id)
        if not may_manage_projects(settings, actor, project_id):
            raise RoleRefused("Your role may not rename this project.")
        name = _project_name(name)
        if any(p.name == name and p.id != project_id for p in self._memberships.projects(realm, org_id)):
            raise DomainError(f"There is a project named {name!r} already.", code="project_exists", status=409)
        self._store.rename_group(realm, org_id, project_id, name)
        self._memberships.events.record(realm, org_id, "project_renamed", actor_id, actor_id, project_id=project_id,
                                        before=project.name, after=name)
        return Project(project_id, name)
