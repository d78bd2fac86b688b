"""The production profile, started once for the tests in this folder and stopped after them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from keycloak import KeycloakAdmin

from tests.support.production import ProductionStack, production_stack
from tests.support.stack import ROOT, throwaway_tenants


@pytest.fixture(scope="session")
def production() -> Iterator[ProductionStack]:
    # Beside the suite's own state dir, not inside it: that one is closed to other accounts, and
    # PostgreSQL runs as its own.
    root = Path(os.environ.get("IDP_TEST_STATE_DIR") or ROOT / ".idp-test")
    with production_stack(root.with_name(root.name + "-production")) as stack:
        yield stack


@pytest.fixture(scope="session")
def production_admin(production: ProductionStack) -> KeycloakAdmin:
    return production.admin()


@pytest.fixture
def make_production_tenant(production, production_admin, tmp_path):
    """A throwaway tenant in the production profile's Keycloak (deleted after the test)."""
    with throwaway_tenants(production, production_admin, tmp_path) as factory:
        yield factory
