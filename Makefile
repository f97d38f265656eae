# Territorial strategy cockpit: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
# Another interpreter: `make test PYTHON=python3.13` (a command on PATH, a path, or a version that
# pyenv has but does not select), in a venv of its own (.venv-3.13); python3 gets .venv.
PYTHON ?= python3
PYTHON_BIN := $(shell cmd='$(PYTHON)'; \
	"$$cmd" -c 'import sys; print(sys.executable)' 2>/dev/null || { command -v pyenv >/dev/null \
	&& version=$$(pyenv whence "$$cmd" 2>/dev/null | tail -n 1) && [ -n "$$version" ] \
	&& PYENV_VERSION=$$version pyenv which "$$cmd"; })
PYTHON_VERSION := $(if $(filter python3,$(PYTHON)),,$(shell '$(PYTHON_BIN)' -c \
	'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null))
VENV ?= $(if $(PYTHON_VERSION),.venv-$(PYTHON_VERSION),.venv)
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# Installs follow uv.lock, the lock file of every dependency (main, dev and load extras, for
# Python 3.11 to 3.13 on every platform, with hashes). uv reads it in one step, installs wheels
# only (no compiler needed) and takes seconds; it is bootstrapped with pip into .tools/ at the
# version below, so a machine with python3, pip and venv needs nothing else.
# A new dependency: add it to pyproject.toml, then `make lock` and commit both files.
UV_VERSION := 0.13.8
UV_DIR := .tools/uv-$(UV_VERSION)
UV := $(UV_DIR)/bin/uv
# --locked: stop when uv.lock does not match pyproject.toml (run `make lock`); --no-build: wheels
# only; the interpreter is the one given, never one that uv would download.
SYNC := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never $(UV) sync --locked --no-build \
	--python '$(PYTHON_BIN)' --extra dev
# The suite on every core (pytest-xdist), each test module on one worker: the demo is loaded once
# per module (tests/conftest.py). `make test TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
# apt-get as root, through sudo otherwise.
APT := $(if $(filter 0,$(shell id -u)),,sudo) apt-get

.PHONY: run test install lock system-deps briefing-deps messages compilemessages lint format check-deploy serve backup restore bench load two-servers rss faults guide-pictures clean

# The background tasks' worker (manage.py db_worker, reloaded when the code changes, as runserver
# is) runs beside the server in a session of its own (setsid), so that the whole of it, reloader
# and child, is stopped with the server (Ctrl-C or any other end of the recipe).
# `make run PORT=8001` serves on another port; the update rounds' links follow it unless
# DJANGO_BASE_URL is set.
PORT ?= 8000
RUN_ENV := DJANGO_DEBUG=1 DJANGO_BASE_URL='$(or $(DJANGO_BASE_URL),http://127.0.0.1:$(PORT))'
run: install briefing-deps compilemessages  ## set up, migrate, load the demo territory, start the worker, serve on 127.0.0.1:8000 (PORT=…)
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput --database jobs
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	$(RUN_ENV) setsid $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill -TERM -- -$$worker 2>/dev/null; wait $$worker' EXIT; \
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install system-deps compilemessages  ## the whole suite, browser tests included
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

install: $(STAMP)

$(STAMP): pyproject.toml uv.lock | $(UV)
	@test -n '$(PYTHON_BIN)' || { echo "No Python interpreter named $(PYTHON)"; exit 1; }
	$(SYNC) || { echo "If uv.lock is out of date: make lock, then commit it"; exit 1; }
	touch $(STAMP)

$(UV):
	python3 -m venv $(UV_DIR)
	$(UV_DIR)/bin/pip install --quiet uv==$(UV_VERSION)

# Resolve again after a change to the dependencies of pyproject.toml (commit uv.lock with it);
# `make lock LOCK_ARGS="--upgrade-package django"` moves one package to its newest allowed release.
lock: | $(UV)
	$(UV) lock $(LOCK_ARGS)

# What WeasyPrint needs for the PDF briefing, from Debian's packages: Pango and HarfBuzz's
# subsetter, and the fonts the briefing names (DejaVu Sans; Symbola for the symbols DejaVu lacks,
# such as ⏱), so that every machine renders the same PDF. Quick when all is there (dpkg-query, no
# apt-get). `make run` and `make test` install them; production: docs/OPERATIONS.md.
BRIEFING_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-symbola
briefing-deps:
	@missing=""; \
	for package in $(BRIEFING_PACKAGES); do \
		dpkg-query -W -f='$${Status}' "$$package" 2>/dev/null | grep -q "ok installed" \
			|| missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing from Debian's packages"; \
		$(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq $$missing; \
	fi

# Debian's Chromium for the browser tests (never Playwright's own download), gettext for the
# translations, and the briefing's libraries and fonts.
system-deps: briefing-deps
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing from Debian's packages"; \
		$(APT) update -qq && DEBIAN_FRONTEND=noninteractive $(APT) install -y -qq $$missing; \
	fi

# Compiled catalogues are committed; they are rebuilt when a .po is newer and msgfmt is there.
compilemessages: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	@if command -v msgfmt >/dev/null; then msgfmt --check -o $@ $<; else echo "msgfmt missing: keeping the committed $@"; fi

messages: install  ## extract the French source strings into the English catalogue, then compile
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l en -e html,txt,py,svg --no-location --ignore=.venv --ignore=.venv-* --ignore=.tools --ignore=build
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=.venv-* --ignore=.tools

lint: install  ## ruff, and the layers contract of .importlinter
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Production settings must pass Django's deployment checklist.
check-deploy: install
	DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=cockpit.example.org \
	DJANGO_SECRET_KEY="$$($(PY) -c 'from django.core.management.utils import get_random_secret_key as k; print(k())')" \
	$(PY) manage.py check --deploy --fail-level WARNING

# Production: gunicorn behind a reverse proxy, static files served by whitenoise. Needs at least
# DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (README: "Deployment"). `make serve BIND=0.0.0.0:8000`.
# The background tasks' worker runs beside it as a service of its own (docs/OPERATIONS.md).
BIND ?= 127.0.0.1:8000
WORKERS ?= 3
serve: install compilemessages  ## migrate, collect the static files and serve with gunicorn
	@test -n "$$DJANGO_SECRET_KEY" || { echo "DJANGO_SECRET_KEY is not set: see README, Deployment"; exit 1; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py migrate --noinput --database jobs
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn cockpit.wsgi --bind $(BIND) --workers $(WORKERS) \
		--forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

# Backups of the data (README: "Backup and restore"): `make backup` writes
# backups/cockpit_<date>.json.gz (or FILE=...); `make restore FILE=...` replaces every row by it.
backup: install
	$(PY) manage.py backup $(if $(FILE),--output $(FILE))

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/cockpit_....json.gz"; exit 1; }
	$(PY) manage.py restore $(FILE)

# The benchmark of docs/BENCHMARKS.md, with production settings, in a database of its own (a SQLite
# file in /tmp, or DATABASE_URL's PostgreSQL database with a _bench suffix), dropped afterwards.
# Options: make bench BENCH_ARGS="--sizes 100 1000 --runs 3". Its clients log in without a second
# factor (force_login): two-factor login is not required there (README: "Two-factor login").
bench: install
	COCKPIT_BENCH=1 DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_OTP_REQUIRED=0 DJANGO_ACCESS_LOG=0 \
	DJANGO_SECRET_KEY="$$($(PY) -c 'from django.core.management.utils import get_random_secret_key as k; print(k())')" \
	$(PY) manage.py bench $(BENCH_ARGS)

# The load test of docs/BENCHMARKS.md: gunicorn + PostgreSQL on 127.0.0.1 (LOAD_DATABASE_URL, a
# database named *_load, recreated), locust headless for LOAD_TIME (60s).
load: install
	$(SYNC) --extra load
	./loadtest/run.sh

# Two gunicorn servers on one PostgreSQL database (TWO_SERVERS_DATABASE_URL, a database named
# *_load, recreated): imports previewed on one are confirmed on the other (docs/BENCHMARKS.md).
two-servers: install
	./loadtest/two_servers.sh

# The memory of one gunicorn sync worker over the bench's pages at 10,000 projects (docs/RELIABILITY.md,
# "Memory of a web worker"): a scratch database (a SQLite file in /tmp, or RSS_DATABASE_URL, a
# PostgreSQL database named *_bench, recreated), dropped afterwards. RSS_ARGS="--size 1000 --keep".
rss: install
	$(PY) loadtest/rss.py $(RSS_ARGS)

# The fault runs of docs/RELIABILITY.md (kill -9 during an import, connections terminated under
# gunicorn, logins during an import on SQLite, 20 users without think time): FAULTS_DATABASE_URL
# (a PostgreSQL database named *_faults, recreated) and LOAD_DATABASE_URL (*_load) on 127.0.0.1.
faults: install
	$(SYNC) --extra load
	./loadtest/faults.sh

# The guides' screenshots (guides/pictures.py), taken from the demo in Chromium in French and
# English, and the manifest of their inputs; tests/guides fails until this is run again after a
# change to a page they show. Commit guides/static/guides/pictures/ and guides/pictures.json.
guide-pictures: install system-deps compilemessages
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest tests/browser/make_guide_pictures.py -p no:cacheprovider -p no:xdist -q -s

clean:
	rm -rf .venv .venv-* .tools staticfiles .pytest_cache .ruff_cache
