#!/usr/bin/env bash
# Installs node_modules from package-lock.json when missing or stale (npm's cache makes reruns fast).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo "deps: installing node modules (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
