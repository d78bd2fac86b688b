"""`idp users unlock`, `idp users reset-onboarding`, `idp phones release`: support's everyday fixes,
each confirmed first (or --yes), each recorded by Keycloak as an admin event where it touches a user."""

from __future__ import annotations

import json

from rich.console import Console

from contract.onboarding import international_e164
from provisioner.accounts_cli import domain_errors, service
from provisioner.errors import IdpError
from provisioner.settings import Settings
from webhooks.support.actions import SupportActions


def _actions(settings: Settings) -> SupportActions:
    svc = service(settings)
    return SupportActions(svc.sessions, svc.gateway)


@domain_errors
def unlock(settings: Settings, console: Console, realm: str, email: str, as_json: bool) -> None:
    actions = _actions(settings)
    actions.unlock(realm, actions.user_id(realm, email))
    if as_json:
        console.print_json(json.dumps({"email": email, "unlocked": True}))
    else:
        console.print(f"{email}: failed sign-ins forgotten; the lockout is over", highlight=False)


@domain_errors
def reset_onboarding(settings: Settings, console: Console, realm: str, email: str, as_json: bool) -> None:
    actions = _actions(settings)
    forgotten = actions.reset_onboarding(realm, actions.user_id(realm, email))
    if as_json:
        console.print_json(json.dumps({"email": email, "steps_forgotten": forgotten}))
    else:
        console.print(f"{email}: onboarding starts again at the next sign-in ({forgotten} finished step(s) "
                      "forgotten)", highlight=False)


def e164(number: str) -> str:
    """The number as the phone step stores it, or IdpError saying how to write it."""
    found = international_e164(number)
    if found is None:
        raise IdpError(f"{number!r} is not a phone number in international format.", "Write it like +79991234567.")
    return found


@domain_errors
def release_phone(settings: Settings, console: Console, realm: str, number: str, as_json: bool) -> None:
    actions = _actions(settings)
    released = actions.release_phone(realm, e164(number))
    if as_json:
        console.print_json(json.dumps({"number": released.number, "held_by": released.holders}))
    elif released.holders:
        console.print(f"{released.number}: free again (was held by {', '.join(released.holders)})", highlight=False)
    else:
        console.print(f"{released.number}: no one held it", highlight=False)
