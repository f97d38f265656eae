# Territorial strategy cockpit: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
# apt-get as root, through sudo otherwise.
APT := $(if $(filter 0,$(shell id -u)),,sudo) apt-get

.PHONY: run test install system-deps messages compilemessages lint format check-deploy serve backup restore bench load clean

run: install compilemessages  ## set up, migrate, load the demo territory, serve on 127.0.0.1:8000
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install system-deps compilemessages  ## the whole suite, browser tests included
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Debian's Chromium for the browser tests (never Playwright's own download) and gettext for the
# translations.
system-deps:
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
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l en --no-location --ignore=.venv --ignore=build
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

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
BIND ?= 127.0.0.1:8000
WORKERS ?= 3
serve: install compilemessages  ## migrate, collect the static files and serve with gunicorn
	@test -n "$$DJANGO_SECRET_KEY" || { echo "DJANGO_SECRET_KEY is not set: see README, Deployment"; exit 1; }
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(VENV)/bin/gunicorn cockpit.wsgi --bind $(BIND) --workers $(WORKERS) \
		--access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

# Backups of the data (README: "Backup and restore"): `make backup` writes
# backups/cockpit_<date>.xml.gz (or FILE=...); `make restore FILE=...` replaces every row by it.
backup: install
	$(PY) manage.py backup $(if $(FILE),--output $(FILE))

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/cockpit_....xml.gz"; exit 1; }
	$(PY) manage.py restore $(FILE)

# The benchmark of docs/BENCHMARKS.md, with production settings, in a database of its own (a SQLite
# file in /tmp, or DATABASE_URL's PostgreSQL database with a _bench suffix), dropped afterwards.
# Options: make bench BENCH_ARGS="--sizes 100 1000 --runs 3".
bench: install
	COCKPIT_BENCH=1 DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=127.0.0.1 \
	DJANGO_SECRET_KEY="$$($(PY) -c 'from django.core.management.utils import get_random_secret_key as k; print(k())')" \
	$(PY) manage.py bench $(BENCH_ARGS)

# The load test of docs/BENCHMARKS.md: gunicorn + PostgreSQL on 127.0.0.1 (LOAD_DATABASE_URL, a
# database named *_load, recreated), locust headless for LOAD_TIME (60s).
load: install
	./loadtest/run.sh

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
