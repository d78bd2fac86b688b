"""A step refusing input: a message key (translated by the page) with its parameters."""

from __future__ import annotations

from webhooks.domain_errors import DomainError


class StepRefused(DomainError):
    """What the user entered cannot be accepted; `key` names the message in the bundles."""

    status = 422
    code = "step_refused"

    def __init__(self, key: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(key, code=key.replace(".", "_"))
        self.key = key
        self.field = field  # the input at fault, where one is (the JSON API names it)
        self.params = params
