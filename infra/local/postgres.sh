#!/usr/bin/env bash
# Run the project's own PostgreSQL server: a private cluster under .fullfill/pg,
# listening on 127.0.0.1 only, on a port of its own (the stock cluster on 5432 is
# left alone). Usage: postgres.sh start|stop|status|url
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE="$ROOT/.fullfill"
DATA="$STATE/pg/data"
SOCKETS="$STATE/pg/sockets"
PORT="${FULLFILL_PG_PORT:-54329}"
PASSWORD_FILE="$STATE/pg/password"
BIN="$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n1)")"

as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

init_cluster() {
  mkdir -p "$STATE/pg" "$SOCKETS"
  [[ -f "$PASSWORD_FILE" ]] || (umask 077; "$ROOT/.venv/bin/python" -c \
    'import secrets; print(secrets.token_urlsafe(24))' >"$PASSWORD_FILE")
  if [[ "$(id -u)" == 0 ]]; then chown -R postgres "$STATE/pg"; fi
  local pwfile="$STATE/pg/initdb-password"
  (umask 077; cp "$PASSWORD_FILE" "$pwfile")
  [[ "$(id -u)" == 0 ]] && chown postgres "$pwfile"
  as_postgres "$BIN/initdb" -D "$DATA" -U fullfill --pwfile="$pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKETS'
max_connections = 200
shared_buffers = 512MB
work_mem = 32MB
maintenance_work_mem = 256MB
max_wal_size = 4GB
checkpoint_timeout = 15min
CONF
}

url() {
  echo "postgresql://fullfill:$(cat "$PASSWORD_FILE")@127.0.0.1:$PORT/fullfill"
}

running() {
  [[ -f "$DATA/postmaster.pid" ]] && as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
  [[ -f "$DATA/PG_VERSION" ]] || init_cluster
  if ! running; then
    as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$STATE/pg/server.log" -w -t 60 start >/dev/null
  fi
  PGPASSWORD="$(cat "$PASSWORD_FILE")" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U fullfill -d postgres \
    -tAc "SELECT 1 FROM pg_database WHERE datname = 'fullfill'" | grep -q 1 \
    || PGPASSWORD="$(cat "$PASSWORD_FILE")" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U fullfill fullfill
  echo "postgres: running on 127.0.0.1:$PORT"
}

stop() {
  if running; then as_postgres "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; fi
  echo "postgres: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo running; else echo stopped; exit 1; fi ;;
  url) url ;;
  *) echo "usage: $0 start|stop|status|url" >&2; exit 2 ;;
esac
