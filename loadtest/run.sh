#!/usr/bin/env bash
# make load: gunicorn with production settings and PostgreSQL on 127.0.0.1, the demo territory
# plus a strategy of 300 projects, and locust in headless mode (20 commission members, 2
# secretaries) for LOAD_TIME; prints requests/s, p50/p95/p99 and errors. See docs/BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
LOAD_DATABASE_URL=${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cockpit_load}
LOAD_TIME=${LOAD_TIME:-60s}
LOAD_PORT=${LOAD_PORT:-8089}
LOAD_WORKERS=${LOAD_WORKERS:-3}
LOAD_PROJECTS=${LOAD_PROJECTS:-300}
# The stress run of docs/RELIABILITY.md: LOAD_USERS=20 LOAD_WAIT=0 (no think time).
LOAD_USERS=${LOAD_USERS:-22}
OUT=${LOAD_OUT:-$(mktemp -d)}
mkdir -p "$OUT"

case "$LOAD_DATABASE_URL" in
  postgres*_load) ;;
  *) echo "LOAD_DATABASE_URL must be a PostgreSQL database whose name ends with _load" >&2; exit 2 ;;
esac

export DATABASE_URL=$LOAD_DATABASE_URL
. loadtest/local_production.sh
export DJANGO_CONN_MAX_AGE=60

echo "== A fresh database: ${LOAD_DATABASE_URL##*/}"
recreate_database "$DATABASE_URL"
$PY manage.py load_demo > /dev/null
STRATEGY=$(COCKPIT_BENCH=1 $PY manage.py bench --populate "$LOAD_PROJECTS" --territory crans-montana | sed -n 's/^Strategy \([0-9]*\) .*/\1/p')
$PY manage.py collectstatic --noinput -v 0
echo "   demo territory + strategy $STRATEGY of $LOAD_PROJECTS projects"

echo "== gunicorn on 127.0.0.1:$LOAD_PORT ($LOAD_WORKERS workers)"
.venv/bin/gunicorn cockpit.wsgi --bind "127.0.0.1:$LOAD_PORT" --workers "$LOAD_WORKERS" \
  --control-socket "$OUT/gunicorn.ctl" --pid "$OUT/gunicorn.pid" --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" --daemon
trap 'kill "$(cat "$OUT/gunicorn.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$LOAD_PORT/comptes/login/" && break
  sleep 0.2
done

echo "== one commission member alone"
$PY loadtest/alone.py "http://127.0.0.1:$LOAD_PORT" "$STRATEGY"

echo "== locust: $LOAD_USERS users (2 of them secretaries) for $LOAD_TIME"
COCKPIT_STRATEGY=$STRATEGY .venv/bin/locust -f loadtest/locustfile.py --headless \
  --host "http://127.0.0.1:$LOAD_PORT" -u "$LOAD_USERS" -r 2 -t "$LOAD_TIME" --stop-timeout 10 \
  --only-summary --csv "$OUT/load" > "$OUT/locust.log" 2>&1 || true

$PY - "$OUT/load_stats.csv" "$OUT/load_failures.csv" <<'PYTHON'
import csv
import sys

rows = list(csv.DictReader(open(sys.argv[1])))
print("| request | count | errors | req/s | p50 ms | p95 ms | p99 ms |")
print("|---|---|---|---|---|---|---|")
for row in rows:
    name = "**all**" if row["Name"] == "Aggregated" else f'{row["Type"]} {row["Name"]}'
    print(
        f'| {name} | {row["Request Count"]} | {row["Failure Count"]} | '
        f'{float(row["Requests/s"]):.1f} | {row["50%"]} | {row["95%"]} | {row["99%"]} |'
    )
failures = list(csv.DictReader(open(sys.argv[2])))
for failure in failures:
    print(f'error: {failure["Method"]} {failure["Name"]}: {failure["Error"]} ×{failure["Occurrences"]}')
PYTHON
echo "(locust output and CSV files in $OUT)"
