"""A tenant's API access settings (seed 004 "Activation of API access"): off for a new user; a user
whose onboarding is complete activates it on the service's page, and the tenant may require an
authenticator app (TOTP) first. The service reads them from the realm (`idp.apiAccess`)."""

from __future__ import annotations

from pydantic import Field

from contract.onboarding import Strict


class ApiAccess(Strict):
    # The user must have set up an authenticator app (TOTP) before activating API access.
    require_totp: bool = False
    # The longest a personal access token may live (the user picks up to this, seed 000's "expiry").
    token_max_days: int = Field(90, ge=1, le=366)
