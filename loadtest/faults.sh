#!/usr/bin/env bash
# make faults: the fault runs of docs/RELIABILITY.md, on this machine (127.0.0.1), each in a
# database of its own, recreated:
#   1. kill -9 of the process importing 100,000 indicator values (one transaction), on PostgreSQL
#      (FAULTS_DATABASE_URL, a database named *_faults) and on a SQLite file: rows before/after;
#   2. database connections terminated (pg_terminate_backend) under gunicorn, between requests
#      and in the middle of one (loadtest/cut_connection.py);
#   3. logins during a 100,000-value import on SQLite (loadtest/sqlite_logins.py);
#   4. the stress run: 20 users without think time for FAULTS_LOAD_TIME (60s) against gunicorn
#      and PostgreSQL (loadtest/run.sh with LOAD_USERS=20 LOAD_WAIT=0).
# FAULTS_SKIP_LOAD=1 leaves out the stress run.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
FAULTS_DATABASE_URL=${FAULTS_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cockpit_faults}
FAULTS_PORT=${FAULTS_PORT:-8094}
VALUES=${IMPORT_VALUES:-100000}
OUT=$(mktemp -d)

case "$FAULTS_DATABASE_URL" in
  postgres*_faults) ;;
  *) echo "FAULTS_DATABASE_URL must be a PostgreSQL database whose name ends with _faults" >&2; exit 2 ;;
esac

. loadtest/local_production.sh
export COCKPIT_BENCH=1 DJANGO_STATIC_MANIFEST=0

fresh_database() {  # $1: DATABASE_URL; prints the id of a strategy of 500 indicators
  recreate_database "$1"

  DATABASE_URL=$1 $PY loadtest/importer.py prepare
}

kill_import() {  # $1: DATABASE_URL, $2: strategy id, $3: engine's name
  local before after pid
  before=$(DATABASE_URL=$1 $PY loadtest/importer.py count "$2")
  DATABASE_URL=$1 $PY -u loadtest/importer.py import "$2" "$VALUES" > "$OUT/import.log" &
  pid=$!
  until grep -q writing "$OUT/import.log"; do sleep 0.2; done
  sleep "${FAULTS_KILL_AFTER:-5}"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  after=$(DATABASE_URL=$1 $PY loadtest/importer.py count "$2")
  echo "- $3, kill -9 ${FAULTS_KILL_AFTER:-5} s into the import of $VALUES values: $before values before, $after after"
  DATABASE_URL=$1 $PY loadtest/importer.py import "$2" "$VALUES" > "$OUT/import.log"
  echo "  the same import run again to its end: $(tail -n 1 "$OUT/import.log"), $(DATABASE_URL=$1 $PY loadtest/importer.py count "$2") values"
}

echo "== 1. kill -9 during an import"
STRATEGY=$(fresh_database "$FAULTS_DATABASE_URL" | tail -n 1)
kill_import "$FAULTS_DATABASE_URL" "$STRATEGY" "PostgreSQL"
SQLITE_URL="sqlite:///$OUT/faults.sqlite3"
STRATEGY_SQLITE=$(fresh_database "$SQLITE_URL" | tail -n 1)
kill_import "$SQLITE_URL" "$STRATEGY_SQLITE" "SQLite (WAL)"

echo "== 2. database connections terminated under gunicorn (DJANGO_CONN_MAX_AGE=60, 2 workers)"
DATABASE_URL=$FAULTS_DATABASE_URL DJANGO_CONN_MAX_AGE=60 .venv/bin/gunicorn cockpit.wsgi \
  --bind "127.0.0.1:$FAULTS_PORT" --workers 2 --control-socket "$OUT/gunicorn.ctl" \
  --pid "$OUT/gunicorn.pid" --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" --daemon
trap 'kill "$(cat "$OUT/gunicorn.pid" 2>/dev/null)" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$FAULTS_PORT/comptes/login/" && break
  sleep 0.2
done
DATABASE_URL=$FAULTS_DATABASE_URL $PY loadtest/cut_connection.py "http://127.0.0.1:$FAULTS_PORT"
kill "$(cat "$OUT/gunicorn.pid")"

echo "== 3. logins during an import of $VALUES values on SQLite"
IMPORT_VALUES=$VALUES $PY loadtest/sqlite_logins.py 2> "$OUT/sqlite_logins.log"

if [ -z "${FAULTS_SKIP_LOAD:-}" ]; then
  echo "== 4. 20 users without think time for ${FAULTS_LOAD_TIME:-60s}"
  LOAD_USERS=20 LOAD_WAIT=0 LOAD_TIME=${FAULTS_LOAD_TIME:-60s} ./loadtest/run.sh
fi
echo "(logs in $OUT; load average $(cut -d' ' -f1-3 /proc/loadavg))"
