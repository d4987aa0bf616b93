#!/usr/bin/env bash
# Start the local stack: PostgreSQL, migrations, LocalStack, the deployed template.
# Writes the endpoints to .fullfill/stack.json. Safe to run again.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"

bash infra/local/postgres.sh start
DATABASE_URL="$(bash infra/local/postgres.sh url)"
export DATABASE_URL
.venv/bin/python -c "from chalicelib import db; applied = db.migrate(); print('migrations:', ', '.join(applied) or 'up to date')"
bash infra/local/sse.sh start
bash infra/local/localstack.sh start
.venv/bin/python infra/local/deploy.py
bash infra/local/install_frontend.sh
bash infra/local/ui.sh start
echo "stack: endpoints in .fullfill/stack.json"
