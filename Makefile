# Kajet — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 3

.PHONY: venv run dev lint test test-sqlite test-postgres messages clean-db bench

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kajet needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

venv: $(VENV)/.installed

## make run: set everything up and serve Kajet with the demo school (SQLite under var/).
run: venv
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo --if-empty
	@$(PY) manage.py demo_logins --address http://127.0.0.1:$(PORT)
	exec $(BIN)/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) \
		--workers $(WORKERS) --access-logfile - --forwarded-allow-ips 127.0.0.1 \
		--no-control-socket

## make dev: runserver with DEBUG on.
dev: venv
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo --if-empty
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: venv
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file var/openapi.yaml
	$(PY) manage.py check_translations
	$(PY) -m tests.permissions_doc --check

## make test: lint, then the whole suite on SQLite, then on PostgreSQL when DATABASE_URL is set.
test: lint test-sqlite test-postgres

test-sqlite: venv
	env -u DATABASE_URL $(BIN)/pytest -q

test-postgres: venv
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== PostgreSQL leg: $$DATABASE_URL"; \
		$(BIN)/pytest -q; \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true needs DATABASE_URL (PostgreSQL) for the PostgreSQL leg" >&2; exit 1; \
	else \
		echo "== PostgreSQL leg skipped: DATABASE_URL is not set"; \
	fi

## make messages: extract strings and compile the catalogues (needs GNU gettext for extraction).
messages: venv
	$(PY) manage.py makemessages -l pl -l en --no-obsolete --ignore=.venv --ignore=var --ignore=scripts --ignore=tests --ignore=bench --ignore=conftest.py
	$(PY) manage.py check_translations --compile

bench: venv
	$(PY) bench/run.py

clean-db:
	rm -f var/kajet.sqlite3 var/kajet.sqlite3-wal var/kajet.sqlite3-shm
