#!/usr/bin/env bash
# One tier of the test suite (docs/testing.md): `unit` needs nothing but node_modules; `integration`
# starts the real engines; `e2e` also builds dist/ and installs Chromium for the portal's specs. Any
# further arguments go to jest (a path, -t 'name'). `npm test` (scripts/test.sh) runs all three, after
# the type check and lint.
set -euo pipefail
cd "$(dirname "$0")/.."
tier="${1:?usage: scripts/test-tier.sh unit|integration|e2e [jest arguments]}"
shift
export NX_DAEMON=false NX_NO_CLOUD=true
bash scripts/ensure-deps.sh
workers=$(node scripts/lib/test-instances.mjs workers)
case "$tier" in
  unit) ;;
  integration) scripts/infra up && node scripts/lib/test-instances.mjs up ;;
  e2e)
    bash scripts/ensure-browser.sh
    scripts/infra up
    node scripts/lib/test-instances.mjs up
    node scripts/build.mjs
    ;;
  *) echo "unknown tier: $tier (unit, integration or e2e)" >&2 && exit 64 ;;
esac
NODE_OPTIONS="--experimental-vm-modules --no-warnings" exec npx jest --maxWorkers="$workers" "$@" --selectProjects "$tier"
