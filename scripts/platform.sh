#!/usr/bin/env bash
# npm start (`foreground`) and npm run up (`up`): installs what is missing, starts the infrastructure,
# builds, and starts the six services.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
scripts/infra up
node scripts/build.mjs
exec node scripts/services.mjs "$1"
