#!/usr/bin/env bash
# Chromium for the real-browser specs (e2e/portal-*.spec.ts), from Debian's package: installed once,
# then found in place (apt keeps its .debs cached). No npm installer downloads a browser: the specs
# drive this one through puppeteer-core. Works unattended as root (CI); elsewhere it says what to run.
set -euo pipefail
browser=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ -x $browser ]]; then exit 0; fi
if [[ $(id -u) -ne 0 ]]; then
  echo "browser: $browser is missing; install Debian's chromium package (sudo apt-get install -y chromium) or set CHROMIUM_PATH" >&2
  exit 1
fi
echo "browser: installing chromium (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null
apt-get install -y -qq --no-install-recommends chromium </dev/null >/dev/null
[[ -x $browser ]] || { echo "browser: chromium installed but $browser not found; set CHROMIUM_PATH" >&2; exit 1; }
