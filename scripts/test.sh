#!/usr/bin/env bash
# The one test command (npm test): installs what is missing, starts the real infrastructure,
# type-checks, lints (module boundaries included), builds, and runs every unit, integration and e2e test.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true
bash scripts/ensure-deps.sh
bash scripts/ensure-browser.sh
scripts/infra up
npx tsc -p tsconfig.json
npx nx show projects >/dev/null
npx eslint .
npx prettier --check --log-level warn apps libs e2e scripts bench deploy
node scripts/build.mjs
NODE_OPTIONS="--experimental-vm-modules --no-warnings" npx jest --runInBand "$@"
