#!/usr/bin/env bash
# The one test command (npm test): installs what is missing, starts the real infrastructure,
# type-checks, lints (module boundaries included), builds, and runs every unit, integration and e2e test.
set -euo pipefail
cd "$(dirname "$0")/.."
export NX_DAEMON=false NX_NO_CLOUD=true
# Everything before jest is independent and mostly single-threaded, so it runs side by side, each
# step's output printed when all have finished: the engines (they need nothing from node_modules, so
# they start while npm installs), one infrastructure per jest worker (scripts/lib/test-instances.mjs),
# then, once the dependencies are in, the type check, lint, format check and build.
logs=$(mktemp -d)
pids=()
names=()
step() {
  local name=$1
  shift
  "$@" >"$logs/$name.log" 2>&1 &
  pids+=($!)
  names+=("$name")
}
step infrastructure scripts/infra up
step workers-infrastructure node scripts/lib/test-instances.mjs up
bash scripts/ensure-deps.sh
bash scripts/ensure-browser.sh
step typecheck npx tsc -p tsconfig.json
step lint bash -c 'npx nx show projects >/dev/null && npx eslint .'
step format npx prettier --check --log-level warn apps libs e2e scripts bench deploy
step build node scripts/build.mjs
failed=()
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || failed+=("${names[$i]}")
  cat "$logs/${names[$i]}.log"
done
if ((${#failed[@]} > 0)); then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
workers=$(node scripts/lib/test-instances.mjs workers)
NODE_OPTIONS="--experimental-vm-modules --no-warnings" npx jest --maxWorkers="$workers" "$@"
