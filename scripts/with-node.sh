#!/usr/bin/env bash
# Runs a command with the project's Node first on PATH: the current LTS line, pinned in .nvmrc.
# A machine whose `node` is another major gets that version from npm's node-linux-<arch> package
# (npm checks its integrity), unpacked once into ~/.cache/booking-platform/node-<version>; a machine
# already on the same major uses its own. Everything started under it (npx, jest, the services, the
# benchmarks) runs on that Node, since they are started as `node …` or with process.execPath.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
want="$(tr -d ' v\n' <"$root/.nvmrc")"
major="${want%%.*}"
have="$(node --version 2>/dev/null || true)"
have_major="${have#v}"
have_major="${have_major%%.*}"

if [[ "$have_major" != "$major" ]]; then
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "node: no npm package of Node for $(uname -m); install Node $major yourself" >&2 && exit 1 ;;
  esac
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/booking-platform/node-$want-$arch"
  if [[ ! -x "$dir/bin/node" ]]; then
    echo "node: installing Node $want (the project's LTS line; this machine has ${have:-no node}) into $dir" >&2
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$want" >/dev/null && tar xzf ./*.tgz)
    mkdir -p "$(dirname "$dir")"
    # Another run may have unpacked it meanwhile: the first complete copy stays.
    mv -T "$tmp/package" "$dir" 2>/dev/null || true
    rm -rf "$tmp"
  fi
  # Since Node 25 the Linux binaries need libatomic (Debian: libatomic1).
  if ldd "$dir/bin/node" 2>/dev/null | grep -q 'libatomic.* not found'; then
    echo "node: installing libatomic1 (needed by Node $major)" >&2
    apt-get update -qq && apt-get install -y -qq libatomic1 >/dev/null
  fi
  export PATH="$dir/bin:$PATH"
fi
exec "$@"
