# WayHome: `make run` serves the app on http://127.0.0.1:8000; `make test` runs every check CI runs.
# Both set up everything they need on a fresh machine (virtualenv, Python and npm packages, database schema,
# built street artefacts; `make test` also installs Debian's chromium for the browser tests when run as root).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: run serve setup setup-dev test lint typecheck test-sqlite test-postgres test-browser bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

pwa/vendor/leaflet/leaflet.js: node_modules/.package-lock.json
	sh scripts/vendor_pwa.sh

setup: $(STAMP) pwa/vendor/leaflet/leaflet.js

run: setup
	$(BIN)/wayhome db upgrade
	$(BIN)/wayhome data build --fetch-missing
	$(BIN)/wayhome serve

serve:
	$(BIN)/wayhome serve

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy routing outbound input_types bench partnership insights
	$(BIN)/mypy backend havens content

test-sqlite: setup
	$(BIN)/pytest -q -m "not browser" -p no:cacheprovider

test-postgres: setup
	@if $(BIN)/python scripts/pg_ready.py "$(PG_TEST_URL)"; then \
		WAYHOME_TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest -q -m "not browser" -p no:cacheprovider; \
	else echo "PostgreSQL is not reachable at $(PG_TEST_URL): skipping the PostgreSQL run (CI starts one)"; \
	  test -z "$$CI"; fi

test-browser: setup
	sh scripts/ensure_chromium.sh
	$(BIN)/pytest -q -m browser -p no:cacheprovider

test: lint test-sqlite test-postgres test-browser

bench: setup
	$(BIN)/wayhome bench routes
	$(BIN)/wayhome bench havens
	$(BIN)/wayhome bench push

clean:
	rm -rf $(VENV) node_modules pwa/vendor var .pytest_cache .mypy_cache .ruff_cache
