"""Reads the dev inbox's JSON API, waiting for a message to arrive."""

from __future__ import annotations

import re
import time

import requests


class DevInbox:
    """The dev inbox of the stack under test."""

    def __init__(self, service_url: str) -> None:
        self.api = f"{service_url}/dev/inbox/api/messages"

    def messages(self, to: str) -> list[dict]:
        response = requests.get(self.api, params={"to": to}, timeout=10)
        response.raise_for_status()
        return response.json()["messages"]

    def wait_for(self, to: str, count: int = 1, timeout: float = 30) -> list[dict]:
        """Poll until at least count messages reached `to` (newest first)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages(to)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"no message for {to} within {timeout} s (have {len(found)})")
            time.sleep(0.25)


def first_link(message: dict, contains: str) -> str:
    """The first URL in the message's text that contains `contains`, HTML entities undone."""
    for url in re.findall(r"https?://[^\s\"'<>]+", message["text"] or message["html"] or ""):
        if contains in url:
            return url.replace("&amp;", "&")
    raise AssertionError(f"no link containing {contains!r} in: {message['text'][:400]}")
