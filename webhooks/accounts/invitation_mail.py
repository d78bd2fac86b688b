"""The invitation email: the account's name and number, the role, the project if any, when the link
expires, and the link (seed 003), in the language the inviter chose."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from babel.dates import format_datetime

from contract.accounts import Accounts
from webhooks.accounts.invitations import InvitationRow
from webhooks.mailer import Mailer
from webhooks.onboarding.i18n import translate


class InvitationMail:
    def __init__(self, mailer: Mailer, public_url: str, settings_of: Callable[[str], Accounts]) -> None:
        self._mailer, self._public_url, self._settings_of = mailer, public_url, settings_of

    def link(self, row: InvitationRow, secret: str) -> str:
        return f"{self._public_url}/my/{row.realm}/invitations/{row.id}?t={secret}"

    def __call__(self, row: InvitationRow, secret: str) -> None:
        settings, locale = self._settings_of(row.realm), row.locale
        role_name = partial(settings.role_name, locale=locale)
        lines = [translate(locale, "invitation.mail_intro", account=row.account_name, number=row.account_number,
                           role=role_name(row.account_role))]
        if row.project_role and row.project_name:
            lines.append(translate(locale, "invitation.mail_project", project=row.project_name,
                                   role=role_name(row.project_role)))
        lines += ["", translate(locale, "invitation.mail_link"), self.link(row, secret), "",
                  translate(locale, "invitation.mail_expires",
                            when=format_datetime(row.expires_at, "long", locale=locale))]
        self._mailer.send(row.email, translate(locale, "invitation.mail_subject", account=row.account_name,
                                               number=row.account_number), "\n".join(lines))
