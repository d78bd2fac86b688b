"""The tenant's own words where Keycloak's theme has general ones, as realm localization texts: they
override the theme's messages (login and email) per realm and language, so one theme serves every
tenant. What is not ours to say for this tenant is removed, and the theme's wording shows again.

- `termsText`: the registration form's terms, linked to the tenant's terms of use and privacy policy.
- Activation (a tenant whose form asks only for the email, seed 000): the verification email is a
  welcome with the activation link, and the password page says "Set your password"; with generated
  credentials, the password page asks to replace the emailed password.
- `idpApiAccessRequired`: what the `cli` client's sign-in says to a user without API access, with
  the address of the tenant's page that activates it (the theme's words have no address).
"""

from __future__ import annotations

import json
from html import escape

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakDeleteError, KeycloakGetError, KeycloakPostError, raise_error_from_response

from contract.names import API_ACCESS_DENIED_MESSAGE
from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant

RESOURCE = "realm-texts"
TERMS = {
    "en": '<p>By creating an account you accept the <a href="{terms}">terms of use</a> and the '
          '<a href="{privacy}">privacy policy</a> of {name}.</p>',
    "ru": '<p>Создавая учётную запись, вы принимаете <a href="{terms}">условия использования</a> и '
          '<a href="{privacy}">политику конфиденциальности</a> ({name}).</p>',
}
# Keycloak's email parameters: {0} the link, {2} the tenant's name, {3} how long the link works.
ACTIVATION = {
    "en": {
        "emailVerificationSubject": "Welcome! Activate your account",
        "emailVerificationBody": "Welcome to {2}!\n\nOpen the link below to activate your account and set your "
                                 "password:\n\n{0}\n\nThe link works for {3}.\n\nIf you did not sign up, ignore "
                                 "this message: nothing happens without the link.",
        "emailVerificationBodyHtml": "<p>Welcome to {2}!</p><p>Open the link below to activate your account and set "
                                     "your password.</p><p><a href=\"{0}\">Activate my account</a></p><p>The link "
                                     "works for {3}.</p><p>If you did not sign up, ignore this message: nothing "
                                     "happens without the link.</p>",
        "updatePasswordTitle": "Set your password",
        "updatePasswordMessage": "Choose a password to finish activating your account.",
    },
    "ru": {
        "emailVerificationSubject": "Добро пожаловать! Активируйте учётную запись",
        "emailVerificationBody": "Добро пожаловать в {2}!\n\nОткройте ссылку ниже, чтобы активировать учётную запись "
                                 "и задать пароль:\n\n{0}\n\nСсылка действует {3}.\n\nЕсли вы не "
                                 "регистрировались, просто удалите это письмо: без ссылки ничего не произойдёт.",
        "emailVerificationBodyHtml": "<p>Добро пожаловать в {2}!</p><p>Откройте ссылку ниже, чтобы активировать "
                                     "учётную запись и задать пароль.</p><p><a href=\"{0}\">Активировать учётную "
                                     "запись</a></p><p>Ссылка действует {3}.</p><p>Если вы не регистрировались, просто "
                                     "удалите это письмо: без ссылки ничего не произойдёт.</p>",
        "updatePasswordTitle": "Задайте пароль",
        "updatePasswordMessage": "Придумайте пароль, чтобы завершить активацию учётной записи.",
    },
}
API_ACCESS = {
    "en": "API access is not activated for your account. Activate it at {url} and sign in again.",
    "ru": "Доступ к API для вашей учётной записи не включён. Включите его на странице {url} и войдите снова.",
}
# Generated credentials (seed 000): the welcome email is the extension's own; the first sign-in's
# password page asks to replace the emailed password.
GENERATED = {
    "en": {"updatePasswordTitle": "Choose your own password",
           "updatePasswordMessage": "Replace the password from the welcome email with one of your own."},
    "ru": {"updatePasswordTitle": "Задайте свой пароль",
           "updatePasswordMessage": "Замените пароль из приветственного письма на свой."},
}
KEYS = ("termsText", *ACTIVATION["en"], API_ACCESS_DENIED_MESSAGE)


def _message_text(text: str) -> str:
    """Keycloak formats messages with Java's MessageFormat: a single quote there is an escape."""
    return text.replace("'", "''")


def wanted(tenant: Tenant) -> dict[str, dict[str, str | None]]:
    """Per locale of the tenant: each managed key's text, or None where the theme's wording stands."""
    login = tenant.login
    linked = bool(login.terms_and_conditions and login.terms_url and login.privacy_url)
    activation = not login.password_on_registration
    texts: dict[str, dict[str, str | None]] = {}
    for locale in tenant.locales:
        ours: dict[str, str | None] = dict.fromkeys(KEYS)
        if linked:
            ours["termsText"] = _message_text(TERMS[locale].format(
                terms=escape(login.terms_url), privacy=escape(login.privacy_url), name=escape(tenant.display_name)))
        if activation and login.activation == "generated_password":
            ours |= GENERATED[locale]
        elif activation:
            ours |= ACTIVATION[locale]
        if tenant.service_client.portal_url:
            ours[API_ACCESS_DENIED_MESSAGE] = _message_text(API_ACCESS[locale].format(
                url=f"{tenant.service_client.portal_url}/my/{tenant.realm}/api-access"))
        texts[locale] = ours
    return texts


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    want = wanted(tenant)
    base = f"admin/realms/{tenant.realm}/localization"
    have: dict[str, dict] = {locale: {} for locale in want}
    if exists:
        with keycloak_errors(f"reading the localization texts of {tenant.realm}"):
            have = {locale: raise_error_from_response(admin.connection.raw_get(f"{base}/{locale}"), KeycloakGetError)
                    for locale in want}
    changes = []
    for locale, texts in want.items():
        put = {k: v for k, v in texts.items() if v is not None and have[locale].get(k) != v}
        drop = [k for k, v in texts.items() if v is None and k in have[locale]]
        if not put and not drop:
            continue

        def run(locale: str = locale, put: dict = put, drop: list = drop) -> None:
            with keycloak_errors(f"setting the texts of {tenant.realm} ({locale})"):
                if put:
                    posted = admin.connection.raw_post(f"{base}/{locale}", data=json.dumps(put))
                    raise_error_from_response(posted, KeycloakPostError, expected_codes=[200, 201, 204])
                for key in drop:
                    raise_error_from_response(admin.connection.raw_delete(f"{base}/{locale}/{key}"),
                                              KeycloakDeleteError, expected_codes=[204, 404])

        details = [f"{k}: the tenant's words" for k in put] + [f"{k}: the theme's words" for k in drop]
        changes.append(Change(tenant.realm, f"{RESOURCE}/{locale}", "update" if exists else "create", details, run))
    return changes or [Change(tenant.realm, RESOURCE, "unchanged")]
