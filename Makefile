# newstart — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Two workers: the machines have two cores.
XDIST ?= -n 2

.PHONY: install run test lint types migrations-check test-sqlite test-postgres bench clean messages

install: $(VENV)/.installed

$(VENV)/.installed: requirements/base.txt requirements/dev.txt package-lock.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund; \
	else echo "make install: npm not found; skipping axe-core (the accessibility browser tests will say they skipped)."; fi
	@touch $@

run: export DEBUG ?= 1
run: install
	$(PY) manage.py compilemessages --ignore '.venv/*' -v0 2>/dev/null || true
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install lint types migrations-check test-sqlite test-postgres

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types:
	$(BIN)/mypy .

migrations-check:
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

test-sqlite:
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

test-postgres:
	@echo "== test suite on PostgreSQL =="
	$(PY) scripts/with_throwaway_postgres.py -- $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

bench: install
	$(PY) -m bench

messages: install
	$(PY) manage.py makemessages --all --ignore '.venv/*' --ignore 'staticfiles/*' --no-obsolete

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*
