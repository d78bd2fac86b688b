"""`idp users api-access EMAIL on|off`: the operator turns a user's API access on or off, by the same
rules as the user's own page (onboarding complete; an authenticator app where the tenant requires it)."""

from __future__ import annotations

import json

from rich.console import Console

from provisioner.accounts_cli import domain_errors, service
from provisioner.errors import IdpError
from provisioner.settings import Settings
from webhooks.api_access.activation import ApiAccessActivation
from webhooks.onboarding.i18n import translate
from webhooks.step_errors import StepRefused


@domain_errors
def set_api_access(settings: Settings, console: Console, realm: str, email: str, active: bool, as_json: bool) -> None:
    svc = service(settings)
    user = svc.gateway.find_user(realm, email)
    if user is None:
        raise IdpError(f"No user with email {email} in realm {realm}.")
    activation = ApiAccessActivation(svc.gateway)
    try:
        state = activation.activate(realm, user["id"]) if active else activation.deactivate(realm, user["id"])
    except StepRefused as exc:
        raise IdpError(f"API access for {email} stays off: {translate('en', exc.key, **exc.params)}") from None
    if as_json:
        console.print_json(json.dumps({"email": email, "api_access": state.active}))
    else:
        console.print(f"{email}: API access {'on' if state.active else 'off'}", highlight=False)
