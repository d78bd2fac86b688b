"""The accounts area assembled from its parts, for the service's app factory and for `idp`'s
accounts commands alike (one wiring, so the CLI invites exactly as the service does)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from webhooks.accounts.events import AccountEvents
from webhooks.accounts.invitation_mail import InvitationMail
from webhooks.accounts.invitations import Invitations
from webhooks.accounts.keycloak_store import KeycloakAccounts
from webhooks.accounts.memberships import Memberships, Projects
from webhooks.accounts.service import AccountService
from webhooks.accounts.status import AccountStatuses
from webhooks.keycloak_gateway import KeycloakGateway
from webhooks.mailer import Mailer


@dataclass(frozen=True)
class AccountsArea:
    store: KeycloakAccounts
    accounts: AccountService
    memberships: Memberships
    invitations: Invitations
    projects: Projects
    statuses: AccountStatuses

    def signup_complete(self, realm: str, user_id: str) -> None:
        """A user who signed up on their own gets their account (at registration, and again, as a no-op
        or a retry, when onboarding completes); one who came by invitation joins the inviter's account
        when they accept it instead."""
        if self.accounts.settings(realm) is not None and not self.invitations.invited(realm, user_id):
            self.accounts.open_signup_account(realm, user_id)

    def onboarding_complete(self, realm: str, user_id: str) -> None:
        """The user finished onboarding: their own account (opened now if a retry needs it) leaves
        `pending` for active or a trial."""
        settings = self.accounts.settings(realm)
        if settings is None or self.invitations.invited(realm, user_id):
            return
        row = self.accounts.open_signup_account(realm, user_id)
        if row is not None and row.org_id:
            self.statuses.start(realm, row.org_id, settings.trial_days)

    def on_register(self, event: dict) -> None:
        """The REGISTER event's effect (pushed by Keycloak or pulled by the reconciler)."""
        if event.get("userId"):
            self.signup_complete(event["realm"], event["userId"])


def accounts_area(sessions: sessionmaker, gateway: KeycloakGateway, mailer: Mailer, public_url: str,
                  dev_mode: bool) -> AccountsArea:
    store = KeycloakAccounts(gateway)
    accounts = AccountService(sessions, gateway, store)
    events = AccountEvents(sessions)
    memberships = Memberships(accounts, store, events)
    invitations = Invitations(sessions, memberships, store, gateway,
                              InvitationMail(mailer, public_url, memberships.settings), test_domains=dev_mode)
    return AccountsArea(store, accounts, memberships, invitations, Projects(memberships, store),
                        AccountStatuses(store, events))
