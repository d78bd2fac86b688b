"""Names shared across the parts; Java mirrors the ones it needs (see tests/unit/test_contract.py)."""

from __future__ import annotations

# Accounts in Keycloak (organizations): the org groups that hold account roles and projects, and
# the organization attribute with the account's name (its alias is the account number).
ACCOUNT_ROLES_GROUP = "roles"
PROJECTS_GROUP = "projects"
ACCOUNT_NAME_ATTRIBUTE = "accountName"
# An account's status (pending, trial, active, suspended, closed), why (set by whoever suspended or
# closed it), and a trial's end (ISO 8601): organization attributes, so tokens carry them with the
# service down. An account without the attribute is active (it was opened before statuses existed).
ACCOUNT_STATUS_ATTRIBUTE = "accountStatus"
ACCOUNT_STATUS_REASON_ATTRIBUTE = "accountStatusReason"
ACCOUNT_TRIAL_ENDS_ATTRIBUTE = "trialEndsAt"
# Accounts in these statuses give no API token: the cli client's tokens and personal access tokens
# leave them out.
API_BLOCKING_STATUSES = ("suspended", "closed")
ACCOUNTS_MAPPER = "idp-accounts-mapper"
ACCOUNTS_API_TOKEN_CONFIG = "idp.api.token"  # the mapper's option: leave out accounts that give no API token
# Our mapper for yes/no claims that are always present (false until the attribute says "true").
FLAG_MAPPER = "idp-flag-mapper"

# Realm attributes written by `idp apply`.
MANAGED_ATTRIBUTE = "idp.managed"  # on realms and clients this tool created (and may delete with --prune)
ONBOARDING_ATTRIBUTE = "idp.onboarding"  # the tenant's onboarding section as JSON
ACCOUNTS_ATTRIBUTE = "idp.accounts"  # the tenant's accounts section (roles, grants) as JSON, or null
DIRECTORY_ATTRIBUTE = "idp.directory"  # the tenant's entry in the provider chooser as JSON, or null
LOOK_ATTRIBUTE = "idp.look"  # the tenant's logo, primary colour and favicon as JSON
TELL_LOCKED_ATTRIBUTE = "idp.tellLockedAccount"  # "true": a locked account is told when to retry

# Our authenticators and form steps in the realm's copies of Keycloak's flows.
PASSWORD_FORM = "idp-username-password-form"
WELCOME_PASSWORD_STEP = "idp-welcome-password"  # after the registration form: a generated password by email
EMAIL_LENGTH_STEP = "idp-email-length"

# User attributes the service writes and Keycloak maps into tokens.
ONBOARDING_COMPLETED = "onboardingCompleted"
PHONE_NUMBER = "phoneNumber"
PHONE_NUMBER_VERIFIED = "phoneNumberVerified"
COUNTRY = "country"
ACCOUNT_TYPE = "accountType"
COMPANY_NAME = "companyName"
TAX_ID = "taxId"
CARD_BOUND = "cardBound"

# Token claims relying apps read.
ACCOUNTS_CLAIM = "accounts"  # [{id, number, name, roles, projects: [{id, name, roles}]}]
ONBOARDING_COMPLETE_CLAIM = "onboarding_complete"
PHONE_NUMBER_CLAIM = "phone_number"
PHONE_NUMBER_VERIFIED_CLAIM = "phone_number_verified"
CARD_BOUND_CLAIM = "card_bound"

# Hand-over (Keycloak -> service) and result (service -> Keycloak) tokens.
HANDOVER_AUDIENCE = "idp-onboarding"
RESULT_ISSUER = "idp-onboarding-service"
ONBOARDING_ACTION = "onboarding"  # the required action's provider id (kc_action=onboarding)
WEBHOOK_LISTENER = "idp-webhook"  # the event listener's provider id
RESULT_PARAM = "app-token"  # the query parameter that carries the result back into Keycloak
INVITATION_PARAM = "idp_invitation"  # the auth request parameter with the signed invitation hint

# Realm roles that open the service's privileged API to another system's client (client credentials):
# `idp apply` creates them and grants them to the tenant's machine clients. Realm roles, not roles of
# the service's client, because the service's own least-privilege account (view-users, no
# view-clients) can read a caller's realm role mappings live but not its client role mappings.
BILLING_READER_ROLE = "idp-billing-reader"  # reads bound cards' gateway tokens and auto top-up choices
# Checks personal access tokens through the service's introspection endpoint (RFC 7662): an API of
# the provider's that accepts its users' tokens.
TOKEN_INTROSPECTOR_ROLE = "idp-token-introspector"
# Suspends, resumes, activates and closes accounts: the provider's billing system or staff tooling.
ACCOUNT_STATUS_MANAGER_ROLE = "idp-account-status-manager"
# Support staff's tools over the JSON API: unlock, reset onboarding, release a phone number.
SUPPORT_ROLE = "idp-support"
SERVICE_API_ROLES = (BILLING_READER_ROLE, TOKEN_INTROSPECTOR_ROLE, ACCOUNT_STATUS_MANAGER_ROLE, SUPPORT_ROLE)

# API access (command-line tools and, later, personal access tokens): a user holds this realm role once
# activated. Keycloak itself refuses the `cli` client's sign-in without it (the client's own login
# flow ends in a role condition and a deny step), so the rule holds with the service down.
API_ACCESS_ROLE = "idp-api-access"
API_ACCESS_ATTRIBUTE = "idp.apiAccess"  # the tenant's api_access section as JSON
CLI_CLIENT = "cli"
CLI_FLOW = "idp cli sign-in"
API_ACCESS_DENIED_MESSAGE = "idpApiAccessRequired"
# On each tenant's realm: the digest of the configuration `idp apply` last applied (see
# provisioner/applied_digest.py); `idp apply --skip-unchanged` compares it instead of every resource.
APPLIED_DIGEST_ATTRIBUTE = "idp.appliedDigest"
