"""A tenant's entry in the public list of providers (seed 000: the visitor chooses a provider, then
signs up with it). A tenant without one is not listed."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from contract.onboarding import Strict

# An absolute http(s) address with nothing that could break out of an HTML attribute or CSS url().
ADDRESS = re.compile(r"^https?://[^\s/?#\"'<>]+(/[^\s\"'<>{}]*)?$")


class DirectoryEntry(Strict):
    """What the provider chooser shows: the tenant's display name, and these."""

    description: str = Field(min_length=1, max_length=200)
    country: str = Field(pattern=r"^[A-Z]{2}$")  # ISO 3166-1 alpha-2, shown by name in the visitor's language
    logo_url: str | None = None
    # Where "Sign up" leads; without one, the tenant's hosted registration through the service.
    signup_url: str | None = None

    @field_validator("logo_url", "signup_url")
    @classmethod
    def _url(cls, url: str | None) -> str | None:
        if url is not None and not ADDRESS.match(url):
            raise ValueError("must be an address, e.g. https://example.com/sign-up")
        return url
