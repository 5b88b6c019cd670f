#!/usr/bin/env bash
# The one test command (npm test): installs what is missing, starts the real infrastructure,
# type-checks, lints (module boundaries included), builds, and runs every unit, integration and e2e test.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true
bash scripts/ensure-deps.sh
bash scripts/ensure-browser.sh
scripts/infra up
# The other jest workers' engines start meanwhile (scripts/lib/test-instances.mjs).
workers=$(node scripts/lib/test-instances.mjs workers)
instances_log=$(mktemp)
node scripts/lib/test-instances.mjs up >"$instances_log" 2>&1 &
instances=$!
# The type check, lint, format check and build are independent and mostly single-threaded: side by side.
checks=$(mktemp -d)
pids=()
names=()
check() {
  local name=$1
  shift
  "$@" >"$checks/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
}
check typecheck npx tsc -p tsconfig.json
check lint bash -c 'npx nx show projects >/dev/null && npx eslint .'
check format npx prettier --check --log-level warn apps libs e2e scripts bench deploy
check build node scripts/build.mjs
failed=()
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failed+=("${names[$i]}")
  cat "$checks/${names[$i]}.log"
done
wait "$instances" || failed+=("the workers' infrastructure ($(cat "$instances_log"))")
cat "$instances_log"
if ((${#failed[@]} > 0)); then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
NODE_OPTIONS="--experimental-vm-modules --no-warnings" npx jest --maxWorkers="$workers" "$@"
