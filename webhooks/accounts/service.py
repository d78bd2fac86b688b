"""Opening the account a user gets for signing up on their own (seeds 002, 003): a numbered
organization, the owner role and, where the tenant says so, a default project with the owner's
project role. Idempotent: the number is reserved in the service's database before Keycloak is asked,
so a retry (after Keycloak or the network failed half-way) finishes the same account."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from contract.accounts import Accounts
from contract.names import (
    ACCOUNT_ROLES_GROUP,
    ACCOUNT_STATUS_ATTRIBUTE,
    ACCOUNT_TRIAL_ENDS_ATTRIBUTE,
    COMPANY_NAME,
    PROJECTS_GROUP,
)
from webhooks.accounts.keycloak_store import KeycloakAccounts, NumberTaken
from webhooks.accounts.models import AccountRow
from webhooks.accounts.numbers import new_number
from webhooks.accounts.status import started
from webhooks.domain_errors import DomainError
from webhooks.keycloak_gateway import KeycloakGateway

log = logging.getLogger(__name__)
NUMBER_TRIES = 5


class AccountsNotRunnable(DomainError):
    status = 503
    code = "accounts_not_runnable"


class AccountService:
    def __init__(self, sessions: sessionmaker, gateway: KeycloakGateway, store: KeycloakAccounts,
                 clock: Callable[[], datetime] | None = None) -> None:
        self._sessions, self._gateway, self._store = sessions, gateway, store
        self._now = clock or (lambda: datetime.now(UTC))

    def settings(self, realm: str) -> Accounts | None:
        """The tenant's accounts section, or None: the tenant has no accounts. Broken settings stop the
        flow (fail closed) rather than letting a user through without the account they should get."""
        raw = self._gateway.accounts_config(realm)
        if raw is None:
            return None
        try:
            return Accounts.model_validate(raw)
        except ValidationError as exc:
            log.error("accounts of realm %s stopped: the published settings do not validate (%d problem(s); run "
                      "`idp validate` and `idp apply`)", realm, exc.error_count())
            raise AccountsNotRunnable("The provider's account settings are broken.") from exc

    def open_signup_account(self, realm: str, user_id: str) -> AccountRow | None:
        """The account of a user who signed up on their own, opened now or earlier; None if the tenant
        has no accounts."""
        settings = self.settings(realm)
        if settings is None:
            return None
        row, fresh = self._reserve(realm, user_id, settings)
        if row.state == "open":
            return row
        if fresh:
            # A number drawn just now: only an organization made by hand could hold it, and creating
            # one answers 409 then. So nothing is looked up first, and the new organization's groups
            # are created straight away: about half the admin calls of the retry path below, on the
            # path of every sign-up (each call is Keycloak CPU on the machine that serves the sign-ups).
            org_id = self._create(realm, row, settings)
            self._store.add_member(realm, org_id, user_id)
            self._furnish_new(realm, org_id, user_id, settings)
        else:
            # A retry (a crash or a refusal cut the opening short): every step checks what is there.
            org_id = row.org_id or self._store.find(realm, row.account_number) or self._create(realm, row, settings)
            self._store.add_member(realm, org_id, user_id)
            self._store.give(realm, org_id, [ACCOUNT_ROLES_GROUP, settings.owner_role], user_id)
            if settings.default_project:
                project = [PROJECTS_GROUP, settings.default_project]
                self._store.group(realm, org_id, project)
                if settings.default_project_role:
                    self._store.give(realm, org_id, [*project, settings.default_project_role], user_id)
        with self._sessions.begin() as session:
            stored = session.get(AccountRow, row.id)
            stored.org_id, stored.state = org_id, "open"
        log.info("opened account %s in %s for user %s", row.account_number, realm, user_id)
        row.org_id, row.state = org_id, "open"
        return row

    def _furnish_new(self, realm: str, org_id: str, user_id: str, settings: Accounts) -> None:
        """The owner role, and the default project, in an organization created a moment ago."""
        roles = self._store.new_group(realm, org_id, None, ACCOUNT_ROLES_GROUP)
        self._store.join(realm, org_id, self._store.new_group(realm, org_id, roles, settings.owner_role), user_id)
        if settings.default_project:
            projects = self._store.new_group(realm, org_id, None, PROJECTS_GROUP)
            project = self._store.new_group(realm, org_id, projects, settings.default_project)
            if settings.default_project_role:
                role = self._store.new_group(realm, org_id, project, settings.default_project_role)
                self._store.join(realm, org_id, role, user_id)

    def _reserve(self, realm: str, user_id: str, settings: Accounts) -> tuple[AccountRow, bool]:
        """The sign-up's account row, and whether this call made it (False: an earlier try did)."""
        origin = f"signup:{user_id}"
        with self._sessions() as session:
            existing = session.scalars(select(AccountRow).where(AccountRow.realm == realm,
                                                                AccountRow.origin == origin)).first()
        if existing is not None:
            return existing, False
        name = self._account_name(realm, user_id)
        for _ in range(NUMBER_TRIES):
            row = AccountRow(realm=realm, account_number=new_number(settings.number_digits), name=name, origin=origin,
                             state="opening", created_at=self._now())
            try:
                with self._sessions.begin() as session:
                    session.add(row)
                return row, True
            except IntegrityError:
                with self._sessions() as session:  # a concurrent retry of the same sign-up won the race
                    existing = session.scalars(select(AccountRow).where(AccountRow.realm == realm,
                                                                        AccountRow.origin == origin)).first()
                if existing is not None:
                    return existing, False
        raise AccountsNotRunnable("No free account number was found; please try again.")

    def _first_status(self, realm: str, settings: Accounts) -> dict[str, str]:
        """Pending while the tenant has onboarding steps for the owner to finish; else started now."""
        if self._gateway.onboarding_config(realm).get("steps"):
            return {ACCOUNT_STATUS_ATTRIBUTE: "pending"}
        status = started(settings.trial_days, self._now())
        return {ACCOUNT_STATUS_ATTRIBUTE: status.status} | (
            {ACCOUNT_TRIAL_ENDS_ATTRIBUTE: status.trial_ends_at} if status.trial_ends_at else {})

    def _create(self, realm: str, row: AccountRow, settings: Accounts) -> str:
        first_status = self._first_status(realm, settings)
        for _ in range(NUMBER_TRIES):
            try:
                org_id = self._store.create(realm, row.account_number, row.name, first_status)
            except NumberTaken:  # made outside this service (by hand in the admin console): take another
                with self._sessions.begin() as session:
                    stored = session.get(AccountRow, row.id)
                    stored.account_number = row.account_number = new_number(settings.number_digits)
                continue
            with self._sessions.begin() as session:
                session.get(AccountRow, row.id).org_id = org_id
            return org_id
        raise AccountsNotRunnable("No free account number was found; please try again.")

    def _account_name(self, realm: str, user_id: str) -> str:
        """The company's name for a business account, else the person's name, else their email."""
        user = self._gateway.get_user(realm, user_id)
        company = ((user.get("attributes") or {}).get(COMPANY_NAME) or [""])[0]
        person = " ".join(p for p in (user.get("firstName"), user.get("lastName")) if p)
        return (company or person or user.get("email") or user_id)[:255]
