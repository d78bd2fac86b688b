"""Shared fixtures. The real stack starts only when a test asks for it (integration and e2e)."""

from tests.support.stack import admin, make_tenant, stack  # noqa: F401  (fixtures)
