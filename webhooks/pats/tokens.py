"""Creating, listing, revoking and checking personal access tokens.

A token belongs to one user of one realm, has a name and an expiry (at most the tenant's
`api_access.token_max_days`), and may be limited to one account with a role no higher than the
user's own there. It works only while everything it relies on still holds, checked live at every use:
not revoked, not expired, the user still enabled and holding API access, and (for an account-limited
token) still a member whose role is at least the token's, of an account whose status gives API
tokens (not suspended or closed)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import String, select, update
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from webhooks.db import Base, UtcDateTime
from webhooks.domain_errors import DomainError
from webhooks.pats import secret

NAME_MAX = 60


class TokenRefused(DomainError):
    status = 422
    code = "token_refused"


class PersonalAccessToken(Base):
    __tablename__ = "personal_access_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    realm: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(4))  # the secret's last four characters, to tell tokens apart
    account_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    role: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


@dataclass(frozen=True)
class UserFacts:
    """What Keycloak says about the token's owner right now."""

    exists: bool
    enabled: bool
    api_access: bool
    email: str | None = None


@dataclass(frozen=True)
class Created:
    row: PersonalAccessToken
    token: str  # shown to the user once; never stored


class PersonalAccessTokens:
    def __init__(self, sessions: sessionmaker, user_facts: Callable[[str, str], UserFacts],
                 account_role: Callable[[str, str, str], str | None], role_rank: Callable[[str, str], int | None],
                 max_days: Callable[[str], int], account_usable: Callable[[str, str], bool],
                 clock: Callable[[], datetime] | None = None) -> None:
        """user_facts(realm, user_id); account_role(realm, account_id, user_id): the user's live account
        role or None; role_rank(realm, role): 0 for the highest account role, None for no such role;
        max_days(realm): the tenant's longest token lifetime; account_usable(realm, account_id): the
        account's status gives API tokens now."""
        self._sessions = sessions
        self._user_facts = user_facts
        self._account_role = account_role
        self._rank = role_rank
        self._max_days = max_days
        self._account_usable = account_usable
        self._now = clock or (lambda: datetime.now(UTC))

    def create(self, realm: str, user_id: str, name: str, days: int, account_id: str | None = None,
               role: str | None = None) -> Created:
        name = (name or "").strip()
        if not 0 < len(name) <= NAME_MAX:
            raise TokenRefused(f"Give the token a name of 1 to {NAME_MAX} characters.", code="invalid_name")
        longest = self._max_days(realm)
        if not 1 <= days <= longest:
            raise TokenRefused(f"A token may live from 1 to {longest} days.", code="invalid_expiry")
        if not self._user_facts(realm, user_id).api_access:
            raise TokenRefused("Turn on API access first.", code="no_api_access", status=403)
        if role is not None and account_id is None:
            raise TokenRefused("A role limits a token to one account: name the account too.",
                               code="role_without_account")
        if account_id is not None:
            mine = self._account_role(realm, account_id, user_id)
            if mine is None:
                raise TokenRefused("No such account, or you are not a member of it.", code="not_a_member", status=404)
            role = role or mine
            wanted, own = self._rank(realm, role), self._rank(realm, mine)
            if wanted is None:
                raise TokenRefused(f"{role!r} is not an account role of this provider.", code="unknown_role")
            if own is None or wanted < own:
                raise TokenRefused("A token's role may not be above your own role in the account.",
                                   code="role_above_own", status=403)
            if not self._account_usable(realm, account_id):
                raise TokenRefused("This account is suspended or closed, so it gives no access tokens; its page "
                                   "says why.", code="account_suspended", status=403)
        token, now = secret.generate(), self._now()
        row = PersonalAccessToken(id=str(uuid.uuid4()), realm=realm, user_id=user_id, name=name,
                                  token_hash=secret.digest(token), hint=token[-4:], account_id=account_id, role=role,
                                  created_at=now, expires_at=now + timedelta(days=days))
        with self._sessions.begin() as session:
            session.add(row)
            session.flush()
            session.expunge(row)
        return Created(row, token)

    def of_user(self, realm: str, user_id: str) -> list[PersonalAccessToken]:
        """The user's tokens that have not been revoked, newest first (expired ones too, marked by date)."""
        with self._sessions() as session:
            return list(session.scalars(select(PersonalAccessToken).where(
                PersonalAccessToken.realm == realm, PersonalAccessToken.user_id == user_id,
                PersonalAccessToken.revoked_at.is_(None)).order_by(PersonalAccessToken.created_at.desc())))

    def reaching_account(self, realm: str, account_id: str) -> list[PersonalAccessToken]:
        """Live tokens limited to this account, for its admins."""
        with self._sessions() as session:
            return list(session.scalars(select(PersonalAccessToken).where(
                PersonalAccessToken.realm == realm, PersonalAccessToken.account_id == account_id,
                PersonalAccessToken.revoked_at.is_(None)).order_by(PersonalAccessToken.created_at.desc())))

    def revoke(self, realm: str, token_id: str, by: str, owner: str | None = None,
               account_id: str | None = None) -> None:
        """Revoke a token of `owner` (the user's own) or one limited to `account_id` (an account admin's)."""
        with self._sessions.begin() as session:
            row = session.get(PersonalAccessToken, token_id)
            reachable = (owner is not None and row is not None and row.user_id == owner) or (
                account_id is not None and row is not None and row.account_id == account_id)
            mine = row is not None and row.realm == realm and row.revoked_at is None and reachable
            if not mine:
                raise TokenRefused("No such token.", code="not_found", status=404)
            row.revoked_at, row.revoked_by = self._now(), by

    def check(self, realm: str, token: str) -> PersonalAccessToken | None:
        """The token's row if it works right now, else None (and nothing says why: the caller is an API)."""
        if not secret.well_formed(token):
            return None
        now = self._now()
        with self._sessions() as session:
            row = session.scalar(select(PersonalAccessToken).where(
                PersonalAccessToken.token_hash == secret.digest(token)))
            if row is None:
                return None
            session.expunge(row)
        if row.realm != realm or row.revoked_at is not None or row.expires_at <= now:
            return None
        facts = self._user_facts(realm, row.user_id)
        if not (facts.exists and facts.enabled and facts.api_access):
            return None
        if row.account_id is not None:
            current = self._account_role(realm, row.account_id, row.user_id)
            current_rank = self._rank(realm, current) if current else None
            cap = self._rank(realm, row.role) if row.role else None
            if current_rank is None or cap is None or current_rank > cap:
                return None  # left the account, or now holds less than the token relied on
            if not self._account_usable(realm, row.account_id):
                return None
        with self._sessions.begin() as session:
            session.execute(update(PersonalAccessToken).where(PersonalAccessToken.id == row.id)
                            .values(last_used_at=now))
        row.last_used_at = now
        return row
