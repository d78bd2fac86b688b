"""A tenant's look on the hosted pages: logo, primary colour and favicon. One theme serves every
tenant; Keycloak's login pages and the service's pages load the tenant's values as CSS variables
from the extension's `/realms/<realm>/idp-look/style.css` (realm attribute idp.look)."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from contract.directory import ADDRESS
from contract.onboarding import Strict

# Buttons carry white text on the primary colour and links are that colour on white, so it must
# reach WCAG AA's 4.5:1 against white.
MIN_CONTRAST = 4.5


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def contrast_with_white(color: str) -> float:
    """WCAG 2 contrast ratio of #rrggbb against white."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)
    return 1.05 / (luminance + 0.05)


class Look(Strict):
    logo_url: str | None = None
    primary_color: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$")
    favicon_url: str | None = None

    @field_validator("logo_url", "favicon_url")
    @classmethod
    def _address(cls, url: str | None) -> str | None:
        if url is not None and not ADDRESS.match(url):
            raise ValueError("must be an address, e.g. https://example.com/logo.svg")
        return url

    @field_validator("primary_color")
    @classmethod
    def _readable(cls, color: str | None) -> str | None:
        if color is not None and re.fullmatch(r"#[0-9a-fA-F]{6}", color):
            ratio = contrast_with_white(color)
            if ratio < MIN_CONTRAST:
                raise ValueError(f"{color} is too light: white text on it has a contrast of {ratio:.1f}:1, "
                                 f"and WCAG AA needs {MIN_CONTRAST}:1; choose a darker shade")
        return color
