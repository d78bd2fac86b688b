"""Message bundles for the service's pages (en, ru); text never lives in code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SUPPORTED = ("en", "ru")
BUNDLES = Path(__file__).with_name("messages")


@cache
def bundle(locale: str) -> dict[str, str]:
    return json.loads((BUNDLES / f"{locale}.json").read_text(encoding="utf-8"))


def translate(locale: str, key: str, **params: object) -> str:
    """The message for key in locale (English if missing there), with {params} filled in."""
    locale = locale if locale in SUPPORTED else "en"
    text = bundle(locale).get(key) or bundle("en").get(key) or key
    return text.format(**params) if params else text
