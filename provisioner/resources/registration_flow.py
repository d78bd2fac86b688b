"""The built-in registration form: the terms checkbox, whether it asks for the password, and our
steps: the email length check first (extensions/ EmailLengthFormAction, so an over-long address
hears the limit rather than Keycloak's "Invalid email address") and the invitation step (the invited
email filled in, fixed and verified: extensions/ InvitationFormAction)."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from contract.names import EMAIL_LENGTH_STEP
from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant

RESOURCE = "registration-flow"
# Keycloak refuses new executions in its built-in flows, so the realm registers through our copy.
BUILT_IN = "registration"
FLOW = "idp registration"
TERMS_PROVIDER = "registration-terms-and-conditions"
PASSWORD_PROVIDER = "registration-password-action"
# Keycloak's RegistrationPassword option; without it a realm that verifies email defers the
# password to after the activation link.
PASSWORD_ON_FORM = "always_set_password_on_register_form"
PASSWORD_CONFIG_ALIAS = "idp-password-on-registration"
INVITATION_PROVIDER = "idp-invitation"


def _terms_change(admin: KeycloakAdmin, tenant: Tenant, executions: list[dict]) -> Change | None:
    want = "REQUIRED" if tenant.login.terms_and_conditions else "DISABLED"
    terms = next((e for e in executions if e.get("providerId") == TERMS_PROVIDER), None)
    if terms is None or terms["requirement"] == want:
        return None

    def update() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"updating the registration flow of {tenant.realm}"):
            admin.update_authentication_flow_executions({**terms, "requirement": want}, FLOW)

    return Change(tenant.realm, f"{RESOURCE}/terms", "update", [f"requirement: {terms['requirement']} -> {want}"],
                  update)


def _password_change(admin: KeycloakAdmin, tenant: Tenant, executions: list[dict]) -> Change | None:
    want = str(tenant.login.password_on_registration).lower()
    execution = next((e for e in executions if e.get("providerId") == PASSWORD_PROVIDER), None)
    if execution is None:
        return None
    config_id = execution.get("authenticationConfig")
    with keycloak_errors(f"reading the password step config of {tenant.realm}"):
        config = admin.get_authenticator_config(config_id) if config_id else None
    have = (config or {}).get("config", {}).get(PASSWORD_ON_FORM, "false")
    if have == want:
        return None

    def update() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"configuring the password step of {tenant.realm}"):
            if config:
                admin.update_authenticator_config({**config, "config": {**config["config"], PASSWORD_ON_FORM: want}},
                                                  config["id"])
            else:
                admin.create_execution_config(execution["id"], {"alias": PASSWORD_CONFIG_ALIAS,
                                                                "config": {PASSWORD_ON_FORM: want}})

    return Change(tenant.realm, f"{RESOURCE}/password", "update", [f"{PASSWORD_ON_FORM}: {have} -> {want}"], update)


def _invitation_change(admin: KeycloakAdmin, tenant: Tenant, executions: list[dict]) -> Change | None:
    """The invitation step in the form, REQUIRED (it does nothing without the service's signed hint)."""
    step = next((e for e in executions if e.get("providerId") == INVITATION_PROVIDER), None)
    if step is not None and step["requirement"] == "REQUIRED":
        return None

    def converge() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"adding the invitation step to the registration form of {tenant.realm}"):
            current = step
            if current is None:
                form = next(e["displayName"] for e in executions if e.get("authenticationFlow") and e["level"] == 0)
                admin.create_authentication_flow_execution({"provider": INVITATION_PROVIDER}, form)
                current = next(e for e in admin.get_authentication_flow_executions(FLOW)
                               if e.get("providerId") == INVITATION_PROVIDER)
            admin.update_authentication_flow_executions({**current, "requirement": "REQUIRED"}, FLOW)

    return Change(tenant.realm, f"{RESOURCE}/invitation", "create" if step is None else "update",
                  ["invitation step: REQUIRED"], converge)


def _form_steps(executions: list[dict]) -> list[dict]:
    return [e for e in executions if e["level"] == 1]


def _email_length_change(admin: KeycloakAdmin, tenant: Tenant, executions: list[dict]) -> Change | None:
    """The email length step, REQUIRED and first in the form (form steps validate in order and the
    first refusal is the one shown)."""
    steps = _form_steps(executions)
    step = next((e for e in steps if e.get("providerId") == EMAIL_LENGTH_STEP), None)
    if step is not None and step["requirement"] == "REQUIRED" and steps[0] is step:
        return None

    def converge() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"adding the email length step to the registration form of {tenant.realm}"):
            current = step
            if current is None:
                form = next(e["displayName"] for e in executions if e.get("authenticationFlow") and e["level"] == 0)
                admin.create_authentication_flow_execution({"provider": EMAIL_LENGTH_STEP}, form)
            now = _form_steps(admin.get_authentication_flow_executions(FLOW))
            current = next(e for e in now if e.get("providerId") == EMAIL_LENGTH_STEP)
            admin.update_authentication_flow_executions({**current, "requirement": "REQUIRED"}, FLOW)
            position = now.index(current)
            if position:
                admin.change_execution_priority(current["id"], position)

    return Change(tenant.realm, f"{RESOURCE}/email-length", "create" if step is None else "update",
                  ["email length step: REQUIRED, first"], converge)


def _aspects(admin: KeycloakAdmin, tenant: Tenant, executions: list[dict]) -> list[Change]:
    return [c for c in (_terms_change(admin, tenant, executions), _password_change(admin, tenant, executions),
                        _invitation_change(admin, tenant, executions),
                        _email_length_change(admin, tenant, executions)) if c]


def _bind(admin: KeycloakAdmin, tenant: Tenant) -> None:
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"binding the registration flow of {tenant.realm}"):
        admin.update_realm(tenant.realm, {"registrationFlow": FLOW})


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    """Our copy of the registration flow, bound to the realm: terms REQUIRED/DISABLED, password on the
    form or after the activation link, the invitation step."""
    details = [f"terms and conditions: {tenant.login.terms_and_conditions}",
               f"password on registration form: {tenant.login.password_on_registration}", "invitation step",
               "email length step"]
    if not exists:
        return [Change(tenant.realm, RESOURCE, "create", details)]
    admin.change_current_realm(tenant.realm)
    with keycloak_errors(f"reading the registration flow of {tenant.realm}"):
        flows = {f["alias"] for f in admin.get_authentication_flows()}
        bound = admin.get_realm(tenant.realm).get("registrationFlow")
    if FLOW not in flows:
        def create() -> None:
            admin.change_current_realm(tenant.realm)
            with keycloak_errors(f"copying the registration flow of {tenant.realm}"):
                admin.copy_authentication_flow({"newName": FLOW}, BUILT_IN)
                executions = admin.get_authentication_flow_executions(FLOW)
            for change in _aspects(admin, tenant, executions):
                assert change.run is not None
                change.run()
            _bind(admin, tenant)

        return [Change(tenant.realm, RESOURCE, "create", details, create)]
    with keycloak_errors(f"reading the registration flow of {tenant.realm}"):
        executions = admin.get_authentication_flow_executions(FLOW)
    changes = _aspects(admin, tenant, executions)
    if bound != FLOW:
        changes.append(Change(tenant.realm, f"{RESOURCE}/binding", "update",
                              [f"registrationFlow: {bound!r} -> {FLOW!r}"], lambda: _bind(admin, tenant)))
    return changes or [Change(tenant.realm, RESOURCE, "unchanged")]
