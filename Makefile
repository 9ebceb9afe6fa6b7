# Kajet — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 3
# pytest-xdist workers for `make test`: one per core (CI has 2), at most 4 — each worker
# builds its own test database (SQLite in memory; PostgreSQL test_<name>_gw<N>).
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -q -n $(TEST_WORKERS) --maxprocesses 4

.PHONY: venv system-deps test-system-deps test-deps run dev lint test test-sqlite test-postgres messages clean-db bench screenshots prod-test

#: Debian packages the product needs: WeasyPrint's text layout (pango, harfbuzz) and fonts
#: with Polish glyphs for the printouts.
SYSTEM_DEPS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core
#: Debian packages only the tests need: PgBouncer for `make prod-test` (an app instance behind
#: it in transaction mode). Production installs it only when it uses it.
TEST_SYSTEM_DEPS := pgbouncer

## make system-deps: install the missing Debian packages (apt-get, only when root);
## make test-system-deps: the same for the test-only ones.
system-deps: DEB_PACKAGES = $(SYSTEM_DEPS)
test-system-deps: DEB_PACKAGES = $(TEST_SYSTEM_DEPS)
system-deps test-system-deps:
	@missing=$$(for p in $(DEB_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null \
		| grep -q 'ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if ! command -v apt-get >/dev/null; then \
		echo "Install these Debian packages: $$missing" >&2; exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "Missing system packages (run as root or install them): $$missing" >&2; exit 0; fi; \
	echo "== installing $$missing"; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
		|| { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; }

# The stamp is named by the lock file's content, not its time: a fresh checkout (or a rebase)
# that leaves the lock unchanged does not reinstall.
LOCK_HASH := $(shell sha1sum requirements.lock 2>/dev/null | cut -c1-12)
STAMP := $(VENV)/.installed-$(LOCK_HASH)

$(STAMP):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kajet needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: system-deps $(STAMP)

# Test-only npm packages (axe-core for the browser tests; no Node build for the product),
# installed from package-lock.json. Without npm the axe test skips (with CI=true it fails).
NPM_LOCK_HASH := $(shell sha1sum package-lock.json 2>/dev/null | cut -c1-12)
NODE_STAMP := node_modules/.installed-$(NPM_LOCK_HASH)

$(NODE_STAMP): package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is missing: the axe-core browser test will be skipped" >&2; fi

## make test-deps: the npm packages the browser tests use.
test-deps: $(NODE_STAMP)

## make run: set everything up and serve Kajet with the demo school (SQLite under var/).
run: venv
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py notifications_vapid
	@$(PY) manage.py demo_logins --address http://127.0.0.1:$(PORT)
	@echo "E-mails are written to var/mail/ (one .eml file each)."
	$(PY) manage.py notifications_sweep --loop 60 &
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

## make test: lint, then the whole suite on SQLite, then on PostgreSQL when DATABASE_URL is set,
## each in parallel (TEST_WORKERS=0 runs in one process).
test: lint test-sqlite test-postgres

test-sqlite: venv test-deps
	env -u DATABASE_URL $(PYTEST)

test-postgres: venv test-deps
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== PostgreSQL leg: $$DATABASE_URL"; \
		$(PYTEST); \
	elif [ "$$CI" = "true" ]; then \
		echo "CI=true needs DATABASE_URL (PostgreSQL) for the PostgreSQL leg" >&2; exit 1; \
	else \
		echo "== PostgreSQL leg skipped: DATABASE_URL is not set"; \
	fi

## make messages: extract strings and compile the catalogues (needs GNU gettext for extraction).
messages: venv
	$(PY) manage.py makemessages -l pl -l en --no-obsolete --ignore=.venv --ignore=var --ignore=scripts --ignore=tests --ignore=bench --ignore=conftest.py
	$(PY) manage.py check_translations --compile

## make screenshots: seed the demo schools into a temporary database, serve them on a loopback
## port and write PNGs of the main pages of every demo role at 1280 and 360 px into
## docs/screenshots/ (Playwright with the system Chromium, /usr/bin/chromium).
screenshots: venv
	$(PY) scripts/screenshots.py

bench: venv
	$(PY) bench/run.py

## make prod-test: the production topology on loopback (two gunicorn instances, PostgreSQL,
## Redis, a Celery worker and beat, an SMTP server, a third instance behind PgBouncer) checked
## end to end; see deploy/README.md. Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and
## Redis on 127.0.0.1:6379.
prod-test: venv test-system-deps
	$(PY) scripts/prod_test.py

clean-db:
	rm -f var/kajet.sqlite3 var/kajet.sqlite3-wal var/kajet.sqlite3-shm
