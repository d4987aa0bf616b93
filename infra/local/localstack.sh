#!/usr/bin/env bash
# Run LocalStack 4.8.1 on this machine without Docker: its own venv under .fullfill/localstack-venv,
# state, log and pidfile under .fullfill/localstack, the gateway on 127.0.0.1:4566 only, and Lambda
# functions run as local Python processes by our executor (infra/local/lambda_executor).
# Usage: localstack.sh install|start|stop|status
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HERE="$ROOT/infra/local"
VENV="$ROOT/.fullfill/localstack-venv"
STATE="$ROOT/.fullfill/localstack"
PIDFILE="$STATE/localstack.pid"
LOGFILE="$STATE/localstack.log"
LAMBDA_DIR="$STATE/lambda"
PYTHON="${PYTHON:-python3.11}"
LOCALSTACK_VERSION="4.8.1"
HOST=127.0.0.1
PORT=4566
SERVICES="s3,sqs,stepfunctions,events,lambda,iam,sts,logs,apigateway,cloudformation"
# Version of LocalStack's Lambda runtime init that 4.8.1 would download on first use.
RAPID_VERSION="v0.1.35-pre"
START_TIMEOUT_SECONDS="${FULLFILL_LOCALSTACK_START_TIMEOUT:-90}"

install_fingerprint() {
  (
    cd "$HERE"
    echo "$LOCALSTACK_VERSION"
    sha256sum localstack-constraints.txt lambda_executor/pyproject.toml \
      $(find lambda_executor/src -name '*.py' | sort)
  ) | sha256sum | cut -d' ' -f1
}

INSTALLED_NOW=0

install() {
  local stamp="$VENV/.fullfill-installed" fingerprint
  fingerprint="$(install_fingerprint)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$fingerprint" ]]; then
    return
  fi
  echo "install: LocalStack $LOCALSTACK_VERSION venv (.fullfill/localstack-venv)"
  [[ -x "$VENV/bin/python" ]] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet -c "$HERE/localstack-constraints.txt" \
    "localstack-core[runtime]==$LOCALSTACK_VERSION"
  "$VENV/bin/pip" install --quiet --no-deps --force-reinstall \
    "$HERE/lambda_executor"
  rm -rf "$HERE/lambda_executor/build" "$HERE"/lambda_executor/src/*.egg-info
  echo "$fingerprint" >"$stamp"
  INSTALLED_NOW=1
}

# A pid is ours only if it is alive and runs the launcher: pidfiles outlive reboots and pids get reused.
pid_runs() {
  local pid="$1" pattern="$2"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$pattern"
}

running_pid() {
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if pid_runs "$pid" localstack_launcher.py; then echo "$pid"; fi
}

health() {
  "$VENV/bin/python" - "$HOST" "$PORT" "$SERVICES" <<'PY'
import json, sys, urllib.request
host, port, services = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
try:
    with urllib.request.urlopen(f"http://{host}:{port}/_localstack/health", timeout=2) as response:
        states = json.load(response).get("services", {})
except OSError:
    sys.exit(1)
waiting = [name for name in services if states.get(name) not in ("available", "running")]
if waiting:
    print("services not available yet: " + ", ".join(waiting), file=sys.stderr)
    sys.exit(1)
PY
}

port_in_use() {
  "$VENV/bin/python" -c 'import socket, sys
with socket.socket() as s:
    sys.exit(0 if s.connect_ex((sys.argv[1], int(sys.argv[2]))) == 0 else 1)' "$HOST" "$PORT"
}

create_rapid_placeholder() {
  local arch
  arch="$(uname -m)"
  [[ "$arch" == aarch64 ]] && arch=arm64
  local init="$STATE/var/lib/localstack/lib/lambda-runtime/$RAPID_VERSION/$arch/var/rapid/init"
  if [[ ! -f "$init" ]]; then
    mkdir -p "$(dirname "$init")"
    printf '#!/bin/sh\necho "placeholder: Lambda runs through the local-process executor" >&2\nexit 1\n' >"$init"
    chmod +x "$init"
  fi
}

launch() {
  mkdir -p "$STATE/tmp" "$LAMBDA_DIR"
  create_rapid_placeholder
  (
    cd "$STATE"
    export OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$STATE" \
      GATEWAY_LISTEN="$HOST:$PORT" LOCALSTACK_HOST="$HOST:$PORT" DNS_ADDRESS=0 \
      DISABLE_EVENTS=1 SKIP_SSL_CERT_DOWNLOAD=1 SQS_ENDPOINT_STRATEGY=path SERVICES="$SERVICES" \
      LAMBDA_RUNTIME_EXECUTOR=local-process S3_SKIP_SIGNATURE_VALIDATION=0 \
      FULLFILL_LAMBDA_PYTHON="${FULLFILL_LAMBDA_PYTHON:-$ROOT/.venv/bin/python}" \
      FULLFILL_LAMBDA_LOG_DIR="$LAMBDA_DIR" FULLFILL_LOCALSTACK_TMPDIR="$STATE/tmp"
    # LocalStack must not pick up a project-wide AWS_ENDPOINT_URL or real credentials for itself.
    unset AWS_ENDPOINT_URL AWS_PROFILE
    setsid "$VENV/bin/python" "$HERE/localstack_launcher.py" >>"$LOGFILE" 2>&1 </dev/null 9>&- &
    echo $! >"$PIDFILE"
  )
}

wait_healthy() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  until health 2>/dev/null; do
    if ! pid_runs "$pid" localstack_launcher.py; then
      echo "localstack: exited during start-up; last lines of $LOGFILE:" >&2
      tail -n 30 "$LOGFILE" >&2
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "localstack: not healthy after ${START_TIMEOUT_SECONDS}s; see $LOGFILE" >&2
      return 1
    fi
    sleep 0.3
  done
}

start() {
  install
  mkdir -p "$STATE"
  # Serialise concurrent starts from several shells or test sessions.
  exec 9>"$STATE/start.lock"
  flock 9
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    if port_in_use; then
      echo "localstack: $HOST:$PORT is already in use by a process this script did not start" >&2
      exit 1
    fi
    launch
    pid="$(cat "$PIDFILE")"
  elif ((INSTALLED_NOW)); then
    echo "localstack: the running instance (pid $pid) still uses the previous install;" \
      "run '$0 stop' and '$0 start' to load the new one" >&2
  fi
  wait_healthy "$pid"
  echo "localstack: running on http://$HOST:$PORT (pid $pid, log $LOGFILE)"
}

stop_lambda_processes() {
  local pidfile pid
  for pidfile in "$LAMBDA_DIR"/pids/*.pid; do
    [[ -e "$pidfile" ]] || continue
    pid="$(cat "$pidfile")"
    if pid_runs "$pid" fullfill_lambda_executor/bootstrap.py; then
      kill -TERM -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

stop() {
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      pid_runs "$pid" localstack_launcher.py || break
      sleep 0.1
    done
    if pid_runs "$pid" localstack_launcher.py; then
      echo "localstack: still running 10 s after SIGTERM; sending SIGKILL" >&2
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  fi
  stop_lambda_processes
  rm -f "$PIDFILE"
  echo "localstack: stopped"
}

status() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    echo stopped
    exit 1
  fi
  if health; then echo "running (pid $pid)"; else echo "starting (pid $pid)"; exit 1; fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
