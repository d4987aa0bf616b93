#!/usr/bin/env bash
# Install what the web UI and its browser tests need: the npm packages of frontend/ and
# Debian's Chromium. Safe to run again: each step checks whether its result is already there.
# Playwright never downloads a browser here; the tests drive /usr/bin/chromium.
#
#   bash infra/local/install_frontend.sh         # npm packages and Chromium
#   bash infra/local/install_frontend.sh npm     # npm packages only (what the UI server needs)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
FRONTEND="$ROOT/frontend"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export NEXT_TELEMETRY_DISABLED=1

install_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    return
  fi
  echo "install: Chromium (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

install_node_modules() {
  # The stamp is a copy of the lock file the last `npm ci` installed from.
  local stamp="$FRONTEND/node_modules/.package-lock.installed"
  if [[ -d "$FRONTEND/node_modules" ]] && cmp -s "$stamp" "$FRONTEND/package-lock.json"; then
    return
  fi
  echo "install: frontend npm packages (npm ci)"
  (cd "$FRONTEND" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$FRONTEND/package-lock.json" "$stamp"
}

install_node_modules
if [[ "${1:-all}" != "npm" ]]; then
  install_chromium
fi
