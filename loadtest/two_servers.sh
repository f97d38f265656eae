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
. loadtest/local_production.sh

echo "== A fresh database: ${DATABASE##*/}"
recreate_database "$DATABASE_URL"
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
