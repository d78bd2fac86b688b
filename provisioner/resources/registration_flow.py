"""The built-in registration form: the terms checkbox, whether it asks for the password, and our
steps: the email length check first (extensions/ EmailLengthFormAction, so an over-long address
hears the limit rather than Keycloak's "Invalid email address") and the invitation step (the invited
email filled in, fixed and verified: extensions/ InvitationFormAction); after the form, for
`activation: generated_password`, the welcome step (extensions/ WelcomePasswordAuthenticator)."""

from __future__ import annotations

from keycloak import KeycloakAdmin

from contract.names import EMAIL_LENGTH_STEP, WELCOME_PASSWORD_STEP
from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change
from provisioner.config.model import Tenant
from provisioner.resources import flow_steps
from provisioner.resources.flow_copies import FlowCopy, plan_copy, require_step

RESOURCE = "registration-flow"
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


def _welcome_change(admin: KeycloakAdmin, tenant: Tenant, executions: list[dict]) -> Change | None:
    """`activation: generated_password`: our welcome step after the form, REQUIRED; else DISABLED (or absent)."""
    want = "REQUIRED" if tenant.login.activation == "generated_password" else "DISABLED"
    step = next((e for e in executions if e.get("providerId") == WELCOME_PASSWORD_STEP and e["level"] == 0), None)
    if (step["requirement"] if step else "DISABLED") == want:
        return None

    def converge() -> None:
        admin.change_current_realm(tenant.realm)
        with keycloak_errors(f"setting the welcome-password step of {tenant.realm}"):
            if step is None:
                flow_steps.add_step(admin, flow_steps.flow_id(admin, FLOW), WELCOME_PASSWORD_STEP, want)
            else:
                admin.update_authentication_flow_executions({**step, "requirement": want}, FLOW)

    return Change(tenant.realm, f"{RESOURCE}/{WELCOME_PASSWORD_STEP}", "create" if step is None else "update",
                  [f"welcome email with a generated password: {want}"], converge)


COPY = FlowCopy(RESOURCE, BUILT_IN, FLOW, "registrationFlow", "registration form")


def _aspects(admin: KeycloakAdmin, tenant: Tenant, executions: list[dict]) -> list[Change]:
    # The invitation step does nothing without the service's signed hint; the email length step
    # must answer before Keycloak's own email check does.
    return [c for c in (_terms_change(admin, tenant, executions), _password_change(admin, tenant, executions),
                        require_step(admin, tenant, COPY, executions, INVITATION_PROVIDER, "invitation step"),
                        require_step(admin, tenant, COPY, executions, EMAIL_LENGTH_STEP, "email length step",
                                     first=True),
                        _welcome_change(admin, tenant, executions)) if c]


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    """Our copy of the registration flow, bound to the realm: terms REQUIRED/DISABLED, password on the
    form or after the activation link, the invitation and email length steps."""
    details = [f"terms and conditions: {tenant.login.terms_and_conditions}",
               f"password on registration form: {tenant.login.password_on_registration}", "invitation step",
               "email length step"]
    if tenant.login.activation == "generated_password":
        details.append("welcome email with a generated password")
    return plan_copy(admin, tenant, exists, COPY, details, _aspects)
