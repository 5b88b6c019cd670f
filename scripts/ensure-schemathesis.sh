#!/usr/bin/env bash
# Schemathesis (PyPI) for the API contract spec (e2e/api-contract.spec.ts), in a virtualenv of its
# own: created once, then found in place. The pinned version is the one the spec's options are
# written for; a different one in the cache is replaced. Prints the schemathesis executable's path.
set -euo pipefail
version=4.32.5
venv=${SCHEMATHESIS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/booking-platform/schemathesis-$version}
bin=$venv/bin/schemathesis
if [[ -x $bin ]] && "$bin" --version 2>/dev/null | grep -q "$version"; then
  echo "$bin"
  exit 0
fi
command -v python3 >/dev/null || { echo "schemathesis: python3 (3.9 or later, with venv) is needed" >&2; exit 1; }
echo "schemathesis: installing $version into $venv" >&2
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
"$bin" --version >/dev/null
echo "$bin"
