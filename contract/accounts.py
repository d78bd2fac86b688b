"""The tenant's accounts settings: the roles at account and project level, ranked, and which role may
grant which. Validated by `idp validate`, published on the realm by `idp apply` (as JSON, defaults
filled in) and parsed with these same models by the service, which enforces the grant table, and by
nobody else: Keycloak only stores who holds what (see README, "Accounts")."""

from __future__ import annotations

from pydantic import Field, model_validator

from contract.durations import Duration
from contract.onboarding import Strict

ROLE_ID = r"^[a-z][a-z0-9-]{1,30}$"
PROJECT_NAME_MAX = 60


def project_name(value: object) -> str | None:
    """The name a project may have (1 to 60 characters, no '/': it is a group's name in Keycloak),
    trimmed; None if it may not."""
    if not isinstance(value, str) or "/" in value or not 0 < len(value.strip()) <= PROJECT_NAME_MAX:
        return None
    return value.strip()


class RoleNames(Strict):
    """What the pages call a role, per language."""

    en: str = Field(min_length=1, max_length=60)
    ru: str | None = Field(None, min_length=1, max_length=60)


class Role(Strict):
    """One role; `grants` lists the roles a holder may give, change a member to or from, and take
    away: roles of the same level at or below this one, and (for an account role) project roles."""

    id: str = Field(pattern=ROLE_ID)
    names: RoleNames
    grants: list[str] = Field(default_factory=list)


class Accounts(Strict):
    """Accounts (Keycloak organizations) and their projects. Roles are listed highest first: the
    order is the rank the "never above your own" rule compares."""

    account_roles: list[Role] = Field(min_length=1)
    project_roles: list[Role] = Field(default_factory=list)
    owner_role: str = Field("owner", pattern=ROLE_ID)  # what the user who signs up on their own gets
    # The project created with a new account (seed 002), named so; null: none (seed 001 asks).
    default_project: str | None = Field("Default project", min_length=1, max_length=60)
    default_project_role: str | None = Field(None, pattern=ROLE_ID)  # the owner's role in it
    number_digits: int = Field(8, ge=6, le=12)  # account numbers like 4829-1736
    invitation_lifetime: Duration = Field(7 * 86400, ge=3600, le=30 * 86400)
    invitation_resend_cooldown: Duration = Field(60, ge=10, le=86400)
    # New accounts start as a trial of this many days (seed 004) instead of active; null: no trial.
    trial_days: int | None = Field(None, ge=1, le=366)

    def role(self, role_id: str) -> Role | None:
        return next((r for r in self.account_roles + self.project_roles if r.id == role_id), None)

    def role_name(self, role_id: str | None, locale: str = "en") -> str:
        """What pages and emails call a role in `locale` (English where it has no such name)."""
        role = self.role(role_id) if role_id else None
        if role is None:
            return role_id or "-"
        return getattr(role.names, locale, None) or role.names.en

    def level(self, role_id: str) -> str | None:
        """'account', 'project', or None for an unknown role."""
        if any(r.id == role_id for r in self.account_roles):
            return "account"
        return "project" if any(r.id == role_id for r in self.project_roles) else None

    def rank(self, role_id: str) -> int:
        """0 is the highest role of its level."""
        roles = self.account_roles if self.level(role_id) == "account" else self.project_roles
        return next(i for i, r in enumerate(roles) if r.id == role_id)

    def may_grant(self, holder: str, target: str) -> bool:
        """Whether a holder of `holder` may give, change to or from, or take away `target`."""
        role = self.role(holder)
        return role is not None and target in role.grants

    def managers(self, level: str = "account") -> list[str]:
        """The roles that may grant some role of `level`."""
        ids = {r.id for r in (self.account_roles if level == "account" else self.project_roles)}
        return [r.id for r in self.account_roles + self.project_roles if ids & set(r.grants)]

    @model_validator(mode="after")
    def _consistent(self) -> Accounts:
        problems = []
        ids = [r.id for r in self.account_roles + self.project_roles]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            problems.append(f"role ids must be unique across both levels; repeated: {', '.join(repeated)}")
        for role in self.account_roles + self.project_roles:
            for target in role.grants:
                level = self.level(target)
                if level is None:
                    problems.append(f"role {role.id!r} grants unknown role {target!r}; known: {', '.join(ids)}")
                elif self.level(role.id) == "project" and level == "account":
                    problems.append(f"project role {role.id!r} may not grant account role {target!r}")
                elif self.level(role.id) == level and self.rank(target) < self.rank(role.id):
                    problems.append(f"role {role.id!r} may not grant {target!r}, which is above it "
                                    f"(roles are listed highest first)")
        if self.account_roles and self.account_roles[0].id != self.owner_role:
            problems.append(f"owner_role {self.owner_role!r} must be the first (highest) account role")
        if not self.managers("account"):
            problems.append("no role may grant an account role, so nobody could manage members; give the owner "
                            "role `grants:` listing the roles it may give")
        if self.default_project_role is not None and self.level(self.default_project_role) != "project":
            problems.append(f"default_project_role {self.default_project_role!r} must be one of project_roles")
        if self.default_project and self.project_roles and self.default_project_role is None:
            problems.append("default_project_role: name the project role the owner gets in the default project")
        if problems:
            raise ValueError("; ".join(problems))
        return self
