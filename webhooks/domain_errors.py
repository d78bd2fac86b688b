"""Errors as data: a user-safe message, an HTTP status and a stable code (translated at the boundary)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the service reports to a caller."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status or self.status
