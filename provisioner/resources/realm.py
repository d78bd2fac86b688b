"""Realm settings: login options, locales, theme, password policy, brute force, OTP, sessions,
email verification link lifetime, SMTP and stored events."""

from __future__ import annotations

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakGetError

from contract.names import (
    ACCOUNTS_ATTRIBUTE,
    API_ACCESS_ATTRIBUTE,
    DIRECTORY_ATTRIBUTE,
    LOOK_ATTRIBUTE,
    MANAGED_ATTRIBUTE,
    ONBOARDING_ATTRIBUTE,
    TELL_LOCKED_ATTRIBUTE,
    WEBHOOK_LISTENER,
)
from provisioner.admin_api import keycloak_errors
from provisioner.changes import Change, field_diffs
from provisioner.config.model import PasswordPolicy, Tenant
from provisioner.resources.realm_keys import starting_keys

# ONBOARDING_ATTRIBUTE holds the tenant's onboarding section as JSON: read by the service (steps,
# policies) and by the onboarding required action (enforce mode), so both follow the one YAML.
RESOURCE = "realm"


def password_policy_string(policy: PasswordPolicy) -> str:
    """Keycloak's policy string; the idp-* policies come from our extension, one message each."""
    parts = [f"length({policy.min_length})", f"maxLength({policy.max_length})"]
    for policy_id, value in (("idp-latin-upper", policy.latin_upper), ("idp-latin-lower", policy.latin_lower),
                             ("idp-digit-or-symbol", policy.digit_or_symbol)):
        if value:
            parts.append(f"{policy_id}({value})")
    if policy.only_allowed_characters:
        parts.append("idp-allowed-characters(1)")
    if policy.max_group_repeats:
        parts.append(f"idp-no-repeating-groups({policy.max_group_repeats})")
    if policy.not_email:
        parts.append("notEmail(undefined)")
    if policy.history:
        parts.append(f"passwordHistory({policy.history})")
    return " and ".join(parts)


def _policy_terms(policy: str | None) -> set[str]:
    return {term.strip() for term in (policy or "").split(" and ") if term.strip()}


def desired(tenant: Tenant) -> dict:
    """The realm representation fields this tool manages."""
    smtp = {"host": tenant.smtp.host, "port": str(tenant.smtp.port), "from": tenant.smtp.from_address,
            "fromDisplayName": tenant.smtp.from_name, "starttls": str(tenant.smtp.starttls).lower(),
            "ssl": str(tenant.smtp.ssl).lower(), "auth": str(bool(tenant.smtp.user)).lower()}
    if tenant.smtp.user:
        smtp |= {"user": tenant.smtp.user, "password": tenant.smtp.password or ""}
    return {
        "realm": tenant.realm,
        "displayName": tenant.display_name,
        "enabled": tenant.enabled,
        "loginTheme": tenant.theme,
        "internationalizationEnabled": True,
        "supportedLocales": list(tenant.locales),
        "defaultLocale": tenant.default_locale,
        "registrationAllowed": tenant.login.registration,
        "registrationEmailAsUsername": tenant.login.email_as_username,
        "loginWithEmailAllowed": tenant.login.login_with_email,
        "duplicateEmailsAllowed": not tenant.login.unique_emails,
        "verifyEmail": tenant.login.verify_email,
        "resetPasswordAllowed": tenant.login.reset_password,
        "rememberMe": tenant.login.remember_me,
        "editUsernameAllowed": False,
        "passwordPolicy": password_policy_string(tenant.password_policy),
        "bruteForceProtected": tenant.brute_force.enabled,
        "failureFactor": tenant.brute_force.failures_before_lockout,
        "waitIncrementSeconds": tenant.brute_force.wait_increment,
        "maxFailureWaitSeconds": tenant.brute_force.max_wait,
        "maxDeltaTimeSeconds": tenant.brute_force.failure_reset,
        "permanentLockout": tenant.brute_force.permanent_lockout,
        "quickLoginCheckMilliSeconds": tenant.brute_force.quick_login_check_ms,
        "minimumQuickLoginWaitSeconds": tenant.brute_force.quick_login_wait,
        "otpPolicyType": tenant.otp.type,
        "otpPolicyDigits": tenant.otp.digits,
        "otpPolicyPeriod": tenant.otp.period,
        "otpPolicyAlgorithm": tenant.otp.algorithm,
        "otpPolicyLookAheadWindow": tenant.otp.look_ahead,
        "ssoSessionIdleTimeout": tenant.sessions.idle,
        "ssoSessionMaxLifespan": tenant.sessions.max,
        "accessTokenLifespan": tenant.sessions.access_token,
        "offlineSessionIdleTimeout": tenant.sessions.offline_idle,
        "smtpServer": smtp,
        "eventsEnabled": tenant.events.enabled,
        "eventsExpiration": tenant.events.expiration,
        "adminEventsEnabled": tenant.events.admin_events,
        "adminEventsDetailsEnabled": tenant.events.admin_event_details,
        "eventsListeners": ["jboss-logging", WEBHOOK_LISTENER],
        # Accounts are Keycloak organizations (membership, and org groups for who holds which role).
        "organizationsEnabled": tenant.accounts is not None,
        "attributes": {
            MANAGED_ATTRIBUTE: "true",
            ONBOARDING_ATTRIBUTE: tenant.onboarding.model_dump_json(),
            ACCOUNTS_ATTRIBUTE: tenant.accounts.model_dump_json() if tenant.accounts else "null",
            DIRECTORY_ATTRIBUTE: tenant.directory.model_dump_json() if tenant.directory else "null",
            LOOK_ATTRIBUTE: tenant.look.model_dump_json(exclude_none=True),
            API_ACCESS_ATTRIBUTE: tenant.api_access.model_dump_json(),
            # Read by the login form (extensions/ LockoutAwarePasswordForm).
            TELL_LOCKED_ATTRIBUTE: str(tenant.brute_force.tell_locked).lower(),
            # Keycloak's per-action override; the realm-wide default (5 minutes) stays for others.
            "actionTokenGeneratedByUserLifespan.verify-email": str(tenant.email.verification_link_lifetime),
        },
    }


def realm_exists(admin: KeycloakAdmin, name: str) -> bool:
    """True if the realm exists. Asked of the realm itself: the realm list carries every realm's whole
    representation, and reading it once per tenant made applying many tenants grow with their square."""
    with keycloak_errors(f"reading realm {name}"):
        try:
            admin.get_realm(name)
        except KeycloakGetError as exc:
            if exc.response_code == 404:
                return False
            raise
    return True


def plan(admin: KeycloakAdmin, tenant: Tenant, exists: bool, prune: bool = False) -> list[Change]:
    """Create the realm, or update the managed settings that differ."""
    want = desired(tenant)
    if not exists:
        def create() -> None:
            with keycloak_errors(f"creating realm {tenant.realm}"):
                admin.create_realm({**want, "components": starting_keys()})

        return [Change(tenant.realm, RESOURCE, "create", [f"{len(want)} settings"], create)]
    with keycloak_errors(f"reading realm {tenant.realm}"):
        have = admin.get_realm(tenant.realm)
    comparable = {k: v for k, v in want.items() if k != "passwordPolicy"}
    details = field_diffs(have, comparable, secret_keys=("password",))
    if _policy_terms(have.get("passwordPolicy")) != _policy_terms(want["passwordPolicy"]):
        details.append(f"passwordPolicy: {have.get('passwordPolicy')!r} -> {want['passwordPolicy']!r}")
    if not details:
        return [Change(tenant.realm, RESOURCE, "unchanged")]

    def update() -> None:
        # Send every other attribute back unchanged: Keycloak replaces the attribute map it is given.
        payload = {**want, "attributes": {**(have.get("attributes") or {}), **want["attributes"]}}
        with keycloak_errors(f"updating realm {tenant.realm}"):
            admin.update_realm(tenant.realm, payload)

    return [Change(tenant.realm, RESOURCE, "update", details, update)]
