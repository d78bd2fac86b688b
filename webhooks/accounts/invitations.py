"""Invitations to an account (seed 003): an Account Owner or User Administrator invites an email
address with an account role and, optionally, a role in one project. The link carries a secret the
service keeps only as a hash; it is single use, expires (the tenant's `invitation_lifetime`), can be
resent after a cooldown (a new secret, so older links stop working) and revoked. Accepting needs the
signed-in user's email to be the invited one; the role comes from the stored invitation only."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from contract.accounts import Accounts
from contract.names import ACCOUNT_ROLES_GROUP, PROJECTS_GROUP
from webhooks.accounts.keycloak_store import KeycloakAccounts
from webhooks.accounts.memberships import Memberships, NotFound, account_name
from webhooks.accounts.rules import (
    Holder,
    RoleRefused,
    check_account_change,
    check_project_change,
    may_manage_members,
)
from webhooks.db import Base, UtcDateTime
from webhooks.domain_errors import DomainError
from webhooks.keycloak_gateway import KeycloakGateway

log = logging.getLogger(__name__)


class InvitationRow(Base):
    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    realm: Mapped[str] = mapped_column(String(255), index=True)
    org_id: Mapped[str] = mapped_column(String(64), index=True)
    account_number: Mapped[str] = mapped_column(String(16))
    account_name: Mapped[str] = mapped_column(String(255))
    email: Mapped[str] = mapped_column(String(320))
    account_role: Mapped[str] = mapped_column(String(40))
    project_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    project_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    project_role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    invited_by: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(5))  # the email's language
    secret_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))  # pending | accepted | revoked
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    accepted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    accepted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class InvitationGone(DomainError):
    """Used, revoked or expired: the page says which, and nothing changes."""

    status = 410
    code = "invitation_gone"


class WrongUser(DomainError):
    status = 403
    code = "invitation_for_another_email"


class ResendTooSoon(DomainError):
    status = 429
    code = "resend_too_soon"


@dataclass(frozen=True)
class Invite:
    """What a manager asks for."""

    email: str
    account_role: str
    project_id: str | None = None
    project_role: str | None = None
    locale: str = "en"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitations:
    def __init__(self, sessions: sessionmaker, memberships: Memberships, store: KeycloakAccounts,
                 gateway: KeycloakGateway, send: Callable[[InvitationRow, str], None],
                 clock: Callable[[], datetime] | None = None, test_domains: bool = False) -> None:
        """`send(row, secret)` mails the link; it runs after the row is committed. `test_domains`
        (dev mode) accepts addresses at reserved names such as example.test."""
        self._sessions, self._memberships, self._store, self._send = sessions, memberships, store, send
        self._gateway, self._test_domains = gateway, test_domains
        self._now = clock or (lambda: datetime.now(UTC))

    def _manager(self, realm: str, org_id: str, actor_id: str | None) -> tuple[Accounts, Holder | None, dict]:
        """The settings, the account and the actor's live roles (None for the operator, who may grant
        any role the tenant declares); NotFound for a non-member."""
        settings = self._memberships.settings(realm)
        if actor_id is not None:
            account, actor = self._memberships.membership(realm, org_id, actor_id)
            return settings, actor, account
        account = self._store.account(realm, org_id)
        if account is None:
            raise NotFound("No such account.")
        return settings, None, account

    def _check(self, settings: Accounts, actor: Holder | None, row: InvitationRow | Invite) -> None:
        if actor is None:  # the operator, by `idp invite`: only the roles must exist
            for role, level, known in ((row.account_role, "account", settings.account_roles),
                                       (row.project_role, "project", settings.project_roles)):
                if role is not None and settings.level(role) != level:
                    raise RoleRefused(f"{role!r} is not one of this provider's {level} roles; known: "
                                      f"{', '.join(r.id for r in known)}.", code="unknown_role", status=422)
            return
        check_account_change(settings, actor, None, row.account_role, owners=2)  # giving never removes an owner
        if row.project_role is not None and row.project_id is not None:
            check_project_change(settings, actor, row.project_id, None, row.project_role)

    def create(self, realm: str, org_id: str, actor_id: str | None, invite: Invite) -> InvitationRow:
        """Invite by an account member within their grants, or (actor None) by the operator."""
        settings, actor, account = self._manager(realm, org_id, actor_id)
        try:
            email = validate_email(invite.email, check_deliverability=False,
                                   test_environment=self._test_domains).normalized.lower()
        except EmailNotValidError as exc:
            raise DomainError(f"email: {exc}", code="invalid_email", status=422) from exc
        if (invite.project_id is None) != (invite.project_role is None):
            raise DomainError("project_id and project_role go together: name both or neither.", code="invalid_body",
                              status=422)
        self._check(settings, actor, invite)
        project = self._memberships.project(realm, org_id, invite.project_id) if invite.project_id else None
        if any((m.get("email") or "").lower() == email for m in self._store.members(realm, org_id)):
            raise DomainError(f"{email} is already a member of this account.", code="already_member", status=409)
        now, secret = self._now(), secrets.token_urlsafe(32)
        row = InvitationRow(
            id=str(uuid.uuid4()), realm=realm, org_id=org_id, account_number=account.get("alias", ""),
            account_name=account_name(account), email=email, account_role=invite.account_role,
            project_id=invite.project_id, project_name=project.name if project else None,
            project_role=invite.project_role, invited_by=actor_id or "operator", locale=invite.locale,
            secret_hash=_hash(secret), state="pending", created_at=now, sent_at=now,
            expires_at=now + timedelta(seconds=settings.invitation_lifetime))
        with self._sessions.begin() as session:
            pending = session.scalars(select(InvitationRow).where(
                InvitationRow.realm == realm, InvitationRow.org_id == org_id, InvitationRow.email == email,
                InvitationRow.state == "pending", InvitationRow.expires_at > now)).first()
            if pending is not None:
                raise DomainError(f"{email} already has a pending invitation; resend or revoke it.",
                                  code="already_invited", status=409)
            session.add(row)
        self._send(row, secret)
        self._memberships.events.record(realm, org_id, "invitation_sent", actor_id, email, invitation_id=row.id,
                                        role=row.account_role, project_id=row.project_id,
                                        project_role=row.project_role)
        return row

    def pending(self, realm: str, org_id: str, actor_id: str) -> list[InvitationRow]:
        """Pending invitations, to those who may manage members."""
        settings, actor, _ = self._manager(realm, org_id, actor_id)
        if actor is not None and not may_manage_members(settings, actor):
            raise RoleRefused("Your role may not see or manage invitations.")
        with self._sessions() as session:
            return list(session.scalars(select(InvitationRow).where(
                InvitationRow.realm == realm, InvitationRow.org_id == org_id, InvitationRow.state == "pending")
                .order_by(InvitationRow.created_at)))

    def _own(self, realm: str, org_id: str, invitation_id: str) -> InvitationRow:
        with self._sessions() as session:
            row = session.get(InvitationRow, invitation_id)
        if row is None or row.realm != realm or row.org_id != org_id:
            raise NotFound("No such invitation in this account.")
        return row

    def resend(self, realm: str, org_id: str, actor_id: str, invitation_id: str) -> InvitationRow:
        settings, actor, _ = self._manager(realm, org_id, actor_id)
        row = self._own(realm, org_id, invitation_id)
        self._check(settings, actor, row)
        if row.state != "pending":
            raise InvitationGone(f"This invitation was {row.state}; send a new one.")
        now = self._now()
        wait = settings.invitation_resend_cooldown - (now - row.sent_at).total_seconds()
        if wait > 0:
            raise ResendTooSoon(f"Wait {int(wait) + 1} s before sending it again.")
        secret = secrets.token_urlsafe(32)
        with self._sessions.begin() as session:
            stored = session.get(InvitationRow, invitation_id)
            stored.secret_hash, stored.sent_at = _hash(secret), now
            stored.expires_at = now + timedelta(seconds=settings.invitation_lifetime)
        row = self._own(realm, org_id, invitation_id)
        self._send(row, secret)
        return row

    def revoke(self, realm: str, org_id: str, actor_id: str, invitation_id: str) -> None:
        settings, actor, _ = self._manager(realm, org_id, actor_id)
        row = self._own(realm, org_id, invitation_id)
        self._check(settings, actor, row)
        with self._sessions.begin() as session:
            session.execute(update(InvitationRow).where(InvitationRow.id == invitation_id,
                                                        InvitationRow.state == "pending").values(state="revoked"))
        self._memberships.events.record(realm, org_id, "invitation_revoked", actor_id, row.email,
                                        invitation_id=invitation_id)

    def invited(self, realm: str, user_id: str) -> bool:
        """Whether the user arrives by invitation: their verified email has a standing or accepted one."""
        user = self._gateway.get_user(realm, user_id)
        email = (user.get("email") or "").lower()
        if not email or not user.get("emailVerified"):
            return False
        with self._sessions() as session:
            rows = session.scalars(select(InvitationRow).where(InvitationRow.realm == realm,
                                                               InvitationRow.email == email))
            now = self._now()
            return any(r.state == "accepted" or (r.state == "pending" and r.expires_at > now) for r in rows)

    def open(self, realm: str, invitation_id: str, secret: str) -> InvitationRow:
        """The invitation a link names, if the link is genuine and the invitation still stands."""
        with self._sessions() as session:
            row = session.get(InvitationRow, invitation_id)
        if row is None or row.realm != realm or not hmac.compare_digest(row.secret_hash, _hash(secret or "")):
            raise NotFound("This invitation link is not valid. Check that you opened the whole link from the "
                           "latest email.")
        if row.state == "accepted":
            raise InvitationGone("This invitation has already been accepted.")
        if row.state == "revoked":
            raise InvitationGone("This invitation was withdrawn. Ask the account's administrator for a new one.")
        if row.expires_at <= self._now():
            raise InvitationGone("This invitation has expired. Ask the account's administrator to send it again.")
        return row

    def accept(self, realm: str, invitation_id: str, secret: str, user_id: str) -> InvitationRow:
        """Join the account with the stored roles; the signed-in user's verified email (read from
        Keycloak now) must be the invited one."""
        row = self.open(realm, invitation_id, secret)
        user = self._gateway.get_user(realm, user_id)
        email = user.get("email") or ""
        if email.lower() != row.email:
            raise WrongUser(f"This invitation is for {row.email}, and you are signed in as {email}. Sign out and "
                            f"sign in (or register) as {row.email}.")
        if not user.get("emailVerified"):
            raise WrongUser(f"Verify your email address {email} first, then open the invitation again.",
                            code="email_not_verified")
        if self._memberships.holder(realm, row.org_id, user_id) is not None:
            raise DomainError("You are already a member of this account.", code="already_member", status=409)
        self._store.add_member(realm, row.org_id, user_id)
        self._store.give(realm, row.org_id, [ACCOUNT_ROLES_GROUP, row.account_role], user_id)
        if row.project_role and row.project_id:
            # By id: the project may have been renamed since; gone, and only the account role is given.
            project = next((p for p in self._memberships.projects(realm, row.org_id) if p.id == row.project_id), None)
            if project is not None:
                self._store.give(realm, row.org_id, [PROJECTS_GROUP, project.name, row.project_role], user_id)
        with self._sessions.begin() as session:
            done = session.execute(update(InvitationRow).where(
                InvitationRow.id == invitation_id, InvitationRow.state == "pending").values(
                state="accepted", accepted_by=user_id, accepted_at=self._now()))
        if done.rowcount != 1:  # a revocation raced the acceptance: undo the membership
            self._store.remove_member(realm, row.org_id, user_id)
            raise InvitationGone("This invitation is no longer valid.")
        self._memberships.events.record(realm, row.org_id, "invitation_accepted", user_id, user_id,
                                        invitation_id=invitation_id, email=row.email, role=row.account_role,
                                        project_id=row.project_id, project_role=row.project_role)
        return row
