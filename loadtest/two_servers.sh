#!/usr/bin/env bash
# make two-servers: two gunicorn servers (two ports, production settings, plain HTTP on 127.0.0.1)
# on one PostgreSQL database, then loadtest/two_servers.py previews imports on server A and confirms
# them on server B, printing the rows before and after. The database (TWO_SERVERS_DATABASE_URL, a
# name ending with _load) is recreated with the demo territory. See docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
DATABASE=${TWO_SERVERS_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cockpit_two_servers_load}
PORT_A=${TWO_SERVERS_PORT_A:-8091}
PORT_B=${TWO_SERVERS_PORT_B:-8092}
OUT=$(mktemp -d)

case "$DATABASE" in
  postgres*_load) ;;
  *) echo "TWO_SERVERS_DATABASE_URL must be a PostgreSQL database whose name ends with _load" >&2; exit 2 ;;
esac

export DATABASE_URL=$DATABASE
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY="$($PY -c 'from django.core.management.utils import get_random_secret_key as k; print(k())')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1
# Plain HTTP on 127.0.0.1: no redirect to HTTPS, cookies without the Secure flag, no HSTS.
export DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 DJANGO_HSTS_SECONDS=0
# Scripted clients give no second factor and log in more than 30 times a minute: both off here.
export DJANGO_OTP_REQUIRED=0 DJANGO_LOGIN_RATE_LIMIT=0

echo "== A fresh database: ${DATABASE##*/}"
$PY - <<'PYTHON'
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
$PY manage.py migrate --noinput -v 0
$PY manage.py createcachetable
$PY manage.py load_demo > /dev/null
$PY manage.py collectstatic --noinput -v 0

# Each server gets its own temporary folder, so that nothing can pass through one.
for server in a:$PORT_A b:$PORT_B; do
  name=${server%%:*} port=${server##*:}
  mkdir -p "$OUT/tmp-$name"
  echo "== server ${name^^} on 127.0.0.1:$port (TMPDIR $OUT/tmp-$name)"
  TMPDIR="$OUT/tmp-$name" .venv/bin/gunicorn cockpit.wsgi --bind "127.0.0.1:$port" --workers 2 \
    --pid "$OUT/$name.pid" --access-logfile "$OUT/$name-access.log" \
    --error-logfile "$OUT/$name.log" --daemon
done
trap 'kill "$(cat "$OUT/a.pid")" "$(cat "$OUT/b.pid")" 2>/dev/null || true' EXIT
for port in "$PORT_A" "$PORT_B"; do
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/comptes/login/" && break
    sleep 0.2
  done
done

$PY loadtest/two_servers.py "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B"
echo "== requests seen by each server"
for name in a b; do
  echo "-- ${name^^}:"; grep -E "import|process_import|classeur" "$OUT/$name-access.log" | awk '{print "   " $6, $7, $9}' | tr -d '"'
done
echo "== files left in the servers' temporary folders: $(find "$OUT"/tmp-a "$OUT"/tmp-b -type f | wc -l)"
