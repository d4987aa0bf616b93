#!/usr/bin/env bash
# Install what the local stack and the tests need. Safe to run again: each step
# checks whether its result is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
STATE="$ROOT/.fullfill"
mkdir -p "$STATE"

PYTHON="${PYTHON:-python3.11}"

install_project_venv() {
  local stamp="$ROOT/.venv/.installed"
  local fresh=1 requirements
  for requirements in "$ROOT"/requirements*.txt "$ROOT/pyproject.toml"; do
    [[ -f "$stamp" && "$stamp" -nt "$requirements" ]] || fresh=0
  done
  [[ "$fresh" == 1 ]] && return
  echo "install: project venv (.venv)"
  "$PYTHON" -m venv "$ROOT/.venv"
  "$ROOT/.venv/bin/pip" install --quiet --upgrade pip
  "$ROOT/.venv/bin/pip" install --quiet -r "$ROOT/requirements-dev.txt"
  "$ROOT/.venv/bin/pip" install --quiet -e "$ROOT"
  touch "$stamp"
}

install_postgres() {
  if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    return
  fi
  echo "install: PostgreSQL server (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
}

install_postgres
install_project_venv
"$ROOT/infra/local/localstack.sh" install
