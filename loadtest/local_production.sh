# Sourced by run.sh, two_servers.sh and faults.sh (with PY set): production settings for servers
# on 127.0.0.1, and a database recreated from nothing.

export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="$($PY -c 'from django.core.management.utils import get_random_secret_key as k; print(k())')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
# Plain HTTP on 127.0.0.1: no redirect to HTTPS, cookies without the Secure flag, no HSTS.
export DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 DJANGO_HSTS_SECONDS=0
# Scripted clients give no second factor (README: "Two-factor login") and log in more than the 30
# times a minute the installation takes by default (DJANGO_LOGIN_RATE_LIMIT): both off here.
export DJANGO_OTP_REQUIRED=0 DJANGO_LOGIN_RATE_LIMIT=0

# $1: a DATABASE_URL. A PostgreSQL database is dropped (its sessions ended) and created again;
# then migrated (which also creates the cache tables).
recreate_database() {
  if [[ $1 == postgres* ]]; then
    DATABASE_URL=$1 $PY - <<'PYTHON'
import os
from urllib.parse import urlsplit

import psycopg

url = urlsplit(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
server = url._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
with psycopg.connect(server, autocommit=True) as conn:
    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.execute(f'CREATE DATABASE "{name}"')
PYTHON
  fi
  DATABASE_URL=$1 $PY manage.py migrate --noinput -v 0
}
