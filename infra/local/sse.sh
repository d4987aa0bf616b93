#!/usr/bin/env bash
# Run the progress stream service (server-sent events) in the background on 127.0.0.1.
# Usage: sse.sh start|stop|status. Port: $FULLFILL_SSE_PORT, default 4580.
# State: .fullfill/sse/sse.pid and sse.log. `start` records sse_url in .fullfill/stack.json.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE="$ROOT/.fullfill/sse"
PIDFILE="$STATE/sse.pid"
LOG="$STATE/sse.log"
STACK_FILE="$ROOT/.fullfill/stack.json"
PORT="${FULLFILL_SSE_PORT:-4580}"
URL="http://127.0.0.1:$PORT"
PYTHON="$ROOT/.venv/bin/python"

# Print the pid from the pidfile when that process is still this service.
service_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "chalicelib.progress" || return 1
  echo "$pid"
}

healthy() {
  "$PYTHON" - "$URL/healthz" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
}

record_url() {
  "$PYTHON" - "$STACK_FILE" "$URL" <<'PY'
import json, os, sys
from pathlib import Path

path, url = Path(sys.argv[1]), sys.argv[2]
stack = json.loads(path.read_text()) if path.exists() and path.read_text().strip() else {}
stack["sse_url"] = url
path.parent.mkdir(parents=True, exist_ok=True)
temporary = path.with_name(f".{path.name}.{os.getpid()}")
temporary.write_text(json.dumps(stack, indent=2) + "\n")
temporary.chmod(0o600)
temporary.replace(path)
PY
}

start() {
  mkdir -p "$STATE"
  if pid="$(service_pid)"; then
    record_url
    echo "sse: already running (pid $pid) on $URL"
    return
  fi
  bash "$ROOT/infra/local/postgres.sh" start >/dev/null
  DATABASE_URL="$(bash "$ROOT/infra/local/postgres.sh" url)" \
    setsid nohup "$PYTHON" -m chalicelib.progress --host 127.0.0.1 --port "$PORT" \
    >>"$LOG" 2>&1 </dev/null &
  echo $! >"$PIDFILE"

  for _ in $(seq 1 100); do
    if healthy; then
      record_url
      echo "sse: running on $URL (pid $(cat "$PIDFILE"), log $LOG)"
      return
    fi
    if ! service_pid >/dev/null; then
      echo "sse: failed to start; last lines of $LOG:" >&2
      tail -n 20 "$LOG" >&2
      rm -f "$PIDFILE"
      exit 1
    fi
    sleep 0.1
  done
  echo "sse: started but $URL/healthz is not 200 after 10 s; see $LOG" >&2
  exit 1
}

stop() {
  if pid="$(service_pid)"; then
    kill -TERM "$pid"
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "sse: pid $pid still running 15 s after SIGTERM; sending SIGKILL" >&2
      kill -KILL "$pid"
    fi
  fi
  rm -f "$PIDFILE"
  echo "sse: stopped"
}

status() {
  if pid="$(service_pid)"; then
    if healthy; then
      echo "running (pid $pid) on $URL"
    else
      echo "running (pid $pid) on $URL, but /healthz is not 200 (no LISTEN connection)"
      exit 1
    fi
  else
    echo stopped
    exit 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
