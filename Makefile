# The two commands a new user needs: `make run` and `make test`. Everything else is installed
# by them: the Python virtualenv and packages, the Keycloak distribution (verified), the Maven
# build of the extension, and `kc.sh build`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-16)
# The one pinned Keycloak version lives in provisioner/runtime/distribution.py.
KC_VERSION := $(shell sed -n 's/^KEYCLOAK_VERSION = "\(.*\)"/\1/p' provisioner/runtime/distribution.py)

.PHONY: run test stop lint bootstrap clean-state

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Byte-compiled here, as pip does for what it installs (an editable install is left as source): with
# PYTHONDONTWRITEBYTECODE set, as in many CI and container environments, every `idp` run would
# otherwise compile its own modules again. Only what changed since is compiled.
bootstrap: $(STAMP)
	$(BIN)/python -m compileall -q contract provisioner webhooks

## run: install what is missing, start Keycloak + the service, apply every tenant in idp-config/
run: bootstrap
	$(BIN)/idp up

## stop: stop the local stack (data stays in .idp/)
stop: bootstrap
	$(BIN)/idp down

## test: the whole suite (Java unit tests, lint, Python unit + integration against a real Keycloak)
TEST_STATE := $(CURDIR)/.idp-test
test: bootstrap
	IDP_STATE_DIR=$(TEST_STATE) $(BIN)/idp install
	cd extensions && mvn -B -q -Dkeycloak.version=$(KC_VERSION) -Dkeycloak.home=$(TEST_STATE)/keycloak-$(KC_VERSION) test
	$(BIN)/ruff check contract provisioner webhooks tests benchmarks
	IDP_TEST_STATE_DIR=$(TEST_STATE) $(BIN)/pytest

lint: bootstrap
	$(BIN)/ruff check contract provisioner webhooks tests benchmarks

## clean-state: forget the local stack's database, logs and admin password (stop it first)
clean-state:
	rm -rf .idp
