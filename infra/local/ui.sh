#!/usr/bin/env bash
# Run the web UI (frontend/) with `next start` on 127.0.0.1:3000 in the background.
#
#   bash infra/local/ui.sh start    # install and build when needed, start, print the URL
#   bash infra/local/ui.sh stop
#   bash infra/local/ui.sh status
#
# The server reads the API address from .fullfill/stack.json on every request, so it keeps
# working when `make up` redeploys the stack. start adds ui_url to that file. Safe to repeat.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
FRONTEND="$ROOT/frontend"
STATE="$ROOT/.fullfill/ui"
PIDFILE="$STATE/ui.pid"
LOG="$STATE/ui.log"
BUILD_STAMP="$STATE/build.sha256"
STACK_FILE="$ROOT/.fullfill/stack.json"
HOST=127.0.0.1
PORT="${FULLFILL_UI_PORT:-3000}"
URL="http://$HOST:$PORT"
export NEXT_TELEMETRY_DISABLED=1

running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    echo "$pid"
    return 0
  fi
  return 1
}

responding() {
  curl -fs -o /dev/null --max-time 3 "$URL/products"
}

# A digest of everything `next build` reads; a build is redone when it changes.
source_digest() {
  local inputs=() name
  cd "$FRONTEND"
  for name in app components lib public next.config.ts package-lock.json postcss.config.mjs tsconfig.json; do
    [[ -e "$name" ]] && inputs+=("$name")
  done
  find "${inputs[@]}" -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

build_if_needed() {
  bash "$ROOT/infra/local/install_frontend.sh" npm
  if build_is_current; then
    return
  fi
  echo "ui: building frontend (next build)"
  (cd "$FRONTEND" && node_modules/.bin/next build >"$STATE/build.log" 2>&1) || {
    echo "ui: next build failed; see $STATE/build.log" >&2
    tail -n 30 "$STATE/build.log" >&2
    exit 1
  }
  source_digest >"$BUILD_STAMP"
}

record_url() {
  node -e '
    const fs = require("fs");
    const [file, url] = process.argv.slice(1);
    const stack = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf-8")) : {};
    stack.ui_url = url;
    fs.writeFileSync(file, JSON.stringify(stack, null, 2) + "\n", { mode: 0o600 });
  ' "$STACK_FILE" "$URL"
}

build_is_current() {
  [[ -f "$FRONTEND/.next/BUILD_ID" && -f "$BUILD_STAMP" && "$(cat "$BUILD_STAMP")" == "$(source_digest)" ]]
}

start() {
  mkdir -p "$STATE"
  if running_pid >/dev/null && responding && build_is_current; then
    record_url
    echo "$URL"
    return
  fi
  if ! running_pid >/dev/null && responding; then
    echo "ui: another server, not started by this script, already responds on $URL; stop it first" >&2
    exit 1
  fi
  stop_server quietly
  build_if_needed

  echo "ui: starting next start on $URL (log: $LOG)"
  (
    cd "$FRONTEND"
    setsid nohup node_modules/.bin/next start --hostname "$HOST" --port "$PORT" >>"$LOG" 2>&1 &
    echo $! >"$PIDFILE"
  )
  for _ in $(seq 1 60); do
    if responding; then
      record_url
      echo "$URL"
      return
    fi
    if ! running_pid >/dev/null; then
      echo "ui: next start exited; last lines of $LOG:" >&2
      tail -n 20 "$LOG" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "ui: $URL did not respond within 30 s; see $LOG" >&2
  exit 1
}

stop_server() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PIDFILE"
    [[ "${1:-}" == quietly ]] || echo "ui: not running"
    return
  fi
  # setsid made the server a process-group leader, so this ends next and its workers only.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
  for _ in $(seq 1 20); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
  [[ "${1:-}" == quietly ]] || echo "ui: stopped (pid $pid)"
}

status() {
  local pid
  if pid="$(running_pid)" && responding; then
    echo "ui: running (pid $pid) on $URL"
  elif pid="$(running_pid)"; then
    echo "ui: process $pid is running but $URL does not answer; see $LOG"
    exit 1
  else
    echo "ui: not running"
    exit 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop_server ;;
  status) status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
