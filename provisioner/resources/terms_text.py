"""The registration form's terms, linked to the tenant's own terms of use and privacy policy.

Keycloak's theme shows the message `termsText` under the terms checkbox; a realm's localization
texts override a theme's messages, so each tenant gets its own links in each of its languages
without a theme per tenant. Without URLs in the YAML the theme's general wording stays.
"""

from __future__ import annotations

import json
from html import escape

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakDeleteError, KeycloakGetError, KeycloakPostError, raise_error_from_response

from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant

RESOURCE = "terms-text"
KEY = "termsText"
WORDING = {
    "en": '<p>By creating an account you accept the <a href="{terms}">terms of use</a> and the '
          '<a href="{privacy}">privacy policy</a> of {name}.</p>',
    "ru": '<p>Создавая учётную запись, вы принимаете <a href="{terms}">условия использования</a> и '
          '<a href="{privacy}">политику конфиденциальности</a> ({name}).</p>',
}


def _message_text(text: str) -> str:
    """Keycloak formats messages with Java's MessageFormat: a single quote there is an escape."""
    return text.replace("'", "''")


def wanted(tenant: Tenant) -> dict[str, str | None]:
    """termsText per locale of the tenant; None where the theme's wording should stand."""
    login = tenant.login
    if not (login.terms_and_conditions and login.terms_url and login.privacy_url):
        return dict.fromkeys(tenant.locales)
    return {locale: _message_text(WORDING[locale].format(
        terms=escape(login.terms_url), privacy=escape(login.privacy_url), name=escape(tenant.display_name)))
        for locale in tenant.locales}


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    want = wanted(tenant)
    base = f"admin/realms/{tenant.realm}/localization"
    if exists:
        with keycloak_errors(f"reading the localization texts of {tenant.realm}"):
            have = {locale: raise_error_from_response(admin.connection.raw_get(f"{base}/{locale}"),
                                                      KeycloakGetError).get(KEY) for locale in want}
    else:
        have = dict.fromkeys(want)
    changes = []
    for locale, text in want.items():
        if have[locale] == text:
            continue

        def run(locale: str = locale, text: str | None = text) -> None:
            with keycloak_errors(f"setting the terms text of {tenant.realm} ({locale})"):
                if text is None:
                    raise_error_from_response(admin.connection.raw_delete(f"{base}/{locale}/{KEY}"),
                                              KeycloakDeleteError, expected_codes=[204, 404])
                else:
                    posted = admin.connection.raw_post(f"{base}/{locale}", data=json.dumps({KEY: text}))
                    raise_error_from_response(posted, KeycloakPostError, expected_codes=[200, 201, 204])

        action = "update" if have[locale] is not None else "create"
        detail = "the theme's wording" if text is None else "links to the tenant's terms and privacy policy"
        changes.append(Change(tenant.realm, f"{RESOURCE}/{locale}", action, [detail], run))
    return changes or [Change(tenant.realm, RESOURCE, "unchanged")]
