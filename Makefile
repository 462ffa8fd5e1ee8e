# `make run` sets up and serves the app with the demo workshop; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
FACILITATOR ?= $(or $(BALANS_FACILITATOR_USERNAME),facilitator)
DEMO_LANGUAGE ?= en
# Where `make test` also runs the suite on PostgreSQL (skipped if unreachable, unless REQUIRE_SERVICES=1).
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
# The tests that need no browser and start no server, and then the browser tests, run in this many
# processes (one per core); the tests that start servers and drive load of their own run one at a
# time, since each uses every core.
TEST_WORKERS ?= auto
# An idle worker takes tests queued for a busy one (the browser tests last 10 to 90 s each).
TEST_DIST ?= worksteal
export REQUIRE_SERVICES

.PHONY: run setup test test-sqlite test-postgres lint format messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py ensure_facilitator
	$(BIN)/python manage.py seed_demo --language $(DEMO_LANGUAGE) --facilitator $(FACILITATOR)
	@echo "Balans is starting on http://$(HOST):$(PORT)/  (console: http://$(HOST):$(PORT)/console/)"
	$(BIN)/python -m facilitation.serve --host $(HOST) --port $(PORT)

test: test-sqlite test-postgres

test-sqlite: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist $(TEST_DIST) -m "not browser and not server"
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist $(TEST_DIST) -m "browser and not server"
	$(BIN)/python -m pytest -m "server"

# The same suite on PostgreSQL. Browser flows and the tests that start servers of their own ran
# above (those servers bring their own databases, PostgreSQL included); these cover the database
# layer. Tests that use no database, and a few long ones whose subject is no database's (marked
# engine_neutral), ran above only.
test-postgres: $(VENV)/.installed-dev
	@if $(BIN)/python tests/services.py postgres "$(TEST_POSTGRES_URL)"; then \
		DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist $(TEST_DIST) -m "not browser and not server and not engine_neutral"; \
	elif [ "$(REQUIRE_SERVICES)" = "1" ]; then \
		echo "PostgreSQL is required (REQUIRE_SERVICES=1) but unreachable at $(TEST_POSTGRES_URL)"; exit 1; \
	else \
		echo "Skipping the PostgreSQL pass: no PostgreSQL at $(TEST_POSTGRES_URL)"; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext; the compiled catalogues are committed so a fresh machine does not.
messages: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemessages --locale sv --ignore ".venv/*" --ignore "var/*"
	$(BIN)/python manage.py compilemessages --ignore ".venv/*"

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/votes.py --participants $(or $(N),200)

clean:
	rm -rf $(VENV)
