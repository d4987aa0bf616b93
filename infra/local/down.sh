#!/usr/bin/env bash
# Stop everything `make up` started. Safe when nothing runs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
bash "$ROOT/infra/local/ui.sh" stop || true
bash "$ROOT/infra/local/localstack.sh" stop || true
bash "$ROOT/infra/local/sse.sh" stop || true
bash "$ROOT/infra/local/postgres.sh" stop
