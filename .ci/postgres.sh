#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests: start | stop | url. Idempotent; needs root and Debian's postgresql.
set -euo pipefail
PORT=${PORTAL_PG_PORT:-55433}
DIR=${PORTAL_PG_DIR:-/tmp/portal-test-pg}
DB=portal_test
url() { echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"; }
bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
case "${1:-}" in
  start)
    if ! command -v psql >/dev/null || [ -z "$(bindir)" ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    BIN=$(bindir)
    if ! pg_isready -q -h 127.0.0.1 -p "$PORT"; then
      mkdir -p "$DIR" && chown postgres "$DIR"
      [ -f "$DIR/data/PG_VERSION" ] || runuser -u postgres -- "$BIN/initdb" -D "$DIR/data" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
      rm -f "$DIR/data/postmaster.pid"
      runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -w -l "$DIR/log" \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
    fi
    psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
      || psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE $DB"
    ;;
  stop)
    BIN=$(bindir)
    [ -d "$DIR/data" ] && runuser -u postgres -- "$BIN/pg_ctl" -D "$DIR/data" -m fast stop >/dev/null 2>&1 || true
    ;;
  url) url ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
