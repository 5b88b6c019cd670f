# shellcheck shell=bash
# Mongo component: the user's MONGO_URL, else a real mongod (single-node replica set), else FerretDB
# v1 on a private PostgreSQL cluster. INFRA_MONGO_ENGINE=mongod|ferretdb forces an engine.

: "${FERRETDB_VERSION:=1.24.2}"
# FerretDB runs an update inside the read that found the document, holding two PostgreSQL connections
# at once: with its default pool (50) and more concurrent updates than half of it, every operation waits
# for a connection the others hold, for ever. The services bound their own pools (MONGO_MAX_POOL_SIZE),
# and this pool is kept above twice the sum of theirs, for two platforms at once (a developer's and a test run's).
: "${FERRETDB_PG_POOL:=400}"
: "${MONGO_REPLSET:=rs0}"
MONGO_WIRE=$INFRA_LIB/infra-mongo-wire.py

mongo_url() { echo "mongodb://127.0.0.1:$MONGO_PORT"; }

# True when MONGO_URL points at a server this script does not manage. The URL this script itself
# exported (eval "$(scripts/infra env)") does not count, so `up` keeps managing its own engine.
mongo_external() {
  [[ -n ${MONGO_URL:-} ]] || return 1
  if [[ $MONGO_URL == "$(mongo_url)" && -f $INFRA_HOME/env && ! -f $INFRA_HOME/run/mongo.external ]] &&
    grep -qxF "MONGO_URL=$MONGO_URL" "$INFRA_HOME/env"; then
    return 1
  fi
  return 0
}

# host:port of the first host in MONGO_URL (mongodb://[user:pass@]host[:port][,...][/db][?opts]).
mongo_external_addr() {
  local rest=${MONGO_URL#*://}
  rest=${rest##*@}
  rest=${rest%%[/?]*}
  rest=${rest%%,*}
  [[ $rest == *:* ]] || rest=$rest:27017
  echo "$rest"
}

# Prints the path of a mongod binary: $MONGOMS_SYSTEM_BINARY, PATH, or mongodb-memory-server's caches.
find_mongod() {
  if [[ -n ${MONGOMS_SYSTEM_BINARY:-} && -x $MONGOMS_SYSTEM_BINARY ]]; then
    echo "$MONGOMS_SYSTEM_BINARY"
    return 0
  fi
  command -v mongod && return 0
  local dir candidate
  for dir in "${MONGOMS_DOWNLOAD_DIR:-}" "$REPO_ROOT/node_modules/.cache/mongodb-memory-server" \
    "${XDG_CACHE_HOME:-$HOME/.cache}/mongodb-binaries"; do
    [[ -n $dir && -d $dir ]] || continue
    candidate=$(find "$dir" -maxdepth 2 -type f -name 'mongod*' -perm -u+x 2>/dev/null | sort -V | tail -n 1)
    [[ -n $candidate ]] && echo "$candidate" && return 0
  done
  return 1
}

mongo_engine() {
  if mongo_external; then
    echo external
    return
  fi
  case ${INFRA_MONGO_ENGINE:-auto} in
    mongod | ferretdb) echo "$INFRA_MONGO_ENGINE" ;;
    auto)
      if our_pid ferretdb "$(ferretdb_pattern)" "$INFRA_HOME/ferretdb" >/dev/null; then
        echo ferretdb
      elif our_pid mongod "$(mongod_pattern)" "$INFRA_HOME/mongod" >/dev/null || find_mongod >/dev/null; then
        echo mongod
      else
        echo ferretdb
      fi
      ;;
    *) die "INFRA_MONGO_ENGINE must be auto, mongod or ferretdb (got '$INFRA_MONGO_ENGINE')" ;;
  esac
}

# The value written as MONGO_ENGINE.
mongo_engine_label() {
  case $(mongo_engine) in
    external) echo "${MONGO_ENGINE:-external}" ;;
    mongod) echo mongod ;;
    ferretdb) echo "ferretdb-$FERRETDB_VERSION" ;;
  esac
}

mongo_effective_url() {
  if mongo_external; then echo "$MONGO_URL"; else mongo_url; fi
}

mongo_ping() {
  port_open 127.0.0.1 "$1" || return 1
  if command -v python3 >/dev/null; then python3 "$MONGO_WIRE" ping "$1"; fi
}

mongo_prereqs() {
  case $(mongo_engine) in
    external) ;;
    mongod) command -v python3 >/dev/null || die "python3 is required to initiate mongod's replica set: apt-get install -y python3" ;;
    ferretdb)
      pg_find_bin >/dev/null || apt_install "PostgreSQL server binaries are required for FerretDB" postgresql
      pg_find_bin >/dev/null || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (set PG_BIN)"
      if ((EUID == 0)) && ! id -u postgres >/dev/null 2>&1; then
        die "the 'postgres' OS user is missing (PostgreSQL refuses to run as root): apt-get install -y postgresql-common"
      fi
      ferretdb_built || need_go
      ;;
  esac
}

mongo_up() {
  local t0=$EPOCHREALTIME
  case $(mongo_engine) in
    external)
      mkdir -p "$INFRA_HOME/run" && : >"$INFRA_HOME/run/mongo.external"
      local addr deadline=$((SECONDS + 30))
      addr=$(mongo_external_addr)
      if [[ $MONGO_URL != mongodb+srv://* ]]; then
        until port_open "${addr%:*}" "${addr##*:}"; do
          ((SECONDS < deadline)) || die "mongo: MONGO_URL=$MONGO_URL is not reachable ($addr)"
          sleep 0.5
        done
      fi
      report mongo external "$MONGO_URL" "(MONGO_URL given, $(elapsed "$t0"))"
      ;;
    mongod)
      rm -f "$INFRA_HOME/run/mongo.external"
      if our_pid mongod "$(mongod_pattern)" "$INFRA_HOME/mongod" >/dev/null && mongo_ping "$MONGO_PORT"; then
        report mongo running "$(mongo_url)" "(already up: mongod, $(elapsed "$t0"))"
        return 0
      fi
      mongod_up
      report mongo started "$(mongo_url)" "(mongod replica set $MONGO_REPLSET, $(elapsed "$t0"))"
      ;;
    ferretdb)
      rm -f "$INFRA_HOME/run/mongo.external"
      # A FerretDB built from other patches (a checkout that changed them) is not "up": ferretdb_up replaces it.
      local pid
      if pid=$(our_pid ferretdb "$(ferretdb_pattern)" "$INFRA_HOME/ferretdb") &&
        [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == "$(ferretdb_bin)" ]] &&
        our_pid postgres postgres "$(pg_dir)/data" >/dev/null && mongo_ping "$MONGO_PORT"; then
        pg_refresh_conf
        report mongo running "$(mongo_url)" "(already up: FerretDB $FERRETDB_VERSION, $(elapsed "$t0"))"
        return 0
      fi
      pg_up
      ferretdb_up
      report mongo started "$(mongo_url)" "(FerretDB $FERRETDB_VERSION on PostgreSQL 127.0.0.1:$PG_PORT, $(elapsed "$t0"))"
      ;;
  esac
}

mongo_down() {
  local t0=$EPOCHREALTIME stopped=
  stop_daemon ferretdb "$(ferretdb_pattern)" "$INFRA_HOME/ferretdb" 15 && stopped=1
  stop_daemon mongod "$(mongod_pattern)" "$INFRA_HOME/mongod" 60 && stopped=1
  stop_daemon postgres postgres "$(pg_dir)/data" 60 INT && stopped=1
  rm -f "$INFRA_HOME/run/mongo.external"
  report mongo stopped "$(mongo_url)" "$([[ -n $stopped ]] && echo "($(elapsed "$t0"))" || echo "(was not running)")"
}

mongo_status() {
  local pid
  if mongo_external; then
    local addr
    addr=$(mongo_external_addr)
    if port_open "${addr%:*}" "${addr##*:}"; then report mongo external "$MONGO_URL" "(reachable)"; else
      report mongo external "$MONGO_URL" "(NOT reachable)"
    fi
  elif pid=$(our_pid ferretdb "$(ferretdb_pattern)" "$INFRA_HOME/ferretdb"); then
    local pg=stopped
    our_pid postgres postgres "$(pg_dir)/data" >/dev/null && pg="running on 127.0.0.1:$PG_PORT"
    report mongo running "$(mongo_url)" "(pid $pid, FerretDB $FERRETDB_VERSION; PostgreSQL $pg)"
  elif pid=$(our_pid mongod "$(mongod_pattern)" "$INFRA_HOME/mongod"); then
    report mongo running "$(mongo_url)" "(pid $pid, mongod)"
  else
    report mongo stopped "$(mongo_url)"
  fi
}

# --- mongod -------------------------------------------------------------------------------------

mongod_pattern() { echo "--dbpath $INFRA_HOME/mongod/data"; }

mongod_up() {
  local dir=$INFRA_HOME/mongod pid bin log=$INFRA_HOME/logs/mongo.log
  if ! pid=$(our_pid mongod "$(mongod_pattern)" "$dir"); then
    bin=$(find_mongod) || die "mongo: no mongod binary found"
    ensure_port_free mongod "$MONGO_PORT"
    mkdir -p "$dir/data"
    pid=$(start_daemon mongod "$dir" "$log" "$bin" --replSet "$MONGO_REPLSET" --bind_ip 127.0.0.1 \
      --port "$MONGO_PORT" --dbpath "$dir/data" --wiredTigerCacheSizeGB 0.25 \
      --setParameter diagnosticDataCollectionEnabled=false)
  fi
  wait_ready mongod "$pid" "${MONGO_START_TIMEOUT:-60}" "$log" mongo_ping "$MONGO_PORT"
  python3 "$MONGO_WIRE" rs-init "$MONGO_PORT" "$MONGO_REPLSET" >>"$log" 2>&1 ||
    die "mongo: could not initiate replica set $MONGO_REPLSET (log: $log)"
}

# --- FerretDB -----------------------------------------------------------------------------------

# FerretDB v1 loses concurrent conditional updates, can run out of connections under concurrent
# updates, wraps single statements in transactions and lets PostgreSQL pick a poor index for a filter
# with an _id, and reads every document again before updating it; the project patches it (see each
# patch's header), in this order.
ferretdb_patches() {
  echo "$REPO_ROOT/infra/ferretdb/compare-and-swap-updates.patch" "$REPO_ROOT/infra/ferretdb/update-after-read.patch" \
    "$REPO_ROOT/infra/ferretdb/no-resource-tracking.patch" "$REPO_ROOT/infra/ferretdb/single-statement-writes.patch" \
    "$REPO_ROOT/infra/ferretdb/id-equality-pushdown.patch" "$REPO_ROOT/infra/ferretdb/row-version-updates.patch" \
    "$REPO_ROOT/infra/ferretdb/remembered-rows.patch" "$REPO_ROOT/infra/ferretdb/fast-sjson.patch" \
    "$REPO_ROOT/infra/ferretdb/parsed-params.patch" "$REPO_ROOT/infra/ferretdb/collection-by-name.patch"
}
# Patches to pgx, FerretDB's PostgreSQL driver, applied to a copy of its module that the build uses.
ferretdb_pgx_patches() { echo "$REPO_ROOT/infra/ferretdb/pgx-context-watcher.patch"; }
# shellcheck disable=SC2046 # one word per patch file
ferretdb_bin() {
  echo "$INFRA_CACHE/bin/ferretdb-v$FERRETDB_VERSION-$(cat $(ferretdb_patches) $(ferretdb_pgx_patches) | sha256sum | cut -c1-12)"
}
ferretdb_pattern() { echo "--state-dir=$INFRA_HOME/ferretdb/state"; }

ferretdb_built() {
  local bin version
  bin=$(ferretdb_bin)
  [[ -x $bin ]] && version=$("$bin" --version 2>/dev/null) && [[ $'\n'$version$'\n' == *$'\n'"version: v$FERRETDB_VERSION"$'\n'* ]]
}

# Copies Go module MODULE@VERSION (fetched with `go mod download`) to DEST, writable, and applies
# PATCHES to it: go_module_patched MODULE@VERSION DEST LOG [PATCH...].
go_module_patched() {
  local module=$1 dest=$2 log=$3 mod src patch
  shift 3
  mod=$(cd "$INFRA_CACHE" && go mod download -json "$module" 2>>"$log") ||
    die "mongo: go mod download $module failed (log: $log)"
  src=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$mod")
  [[ -d $src ]] || die "mongo: go mod download gave no module directory: $mod"
  rm -rf "$dest" && mkdir -p "$(dirname "$dest")"
  cp -R "$src" "$dest" && chmod -R u+w "$dest"
  for patch in "$@"; do
    (cd "$dest" && git apply -p1 "$patch") >>"$log" 2>&1 || die "mongo: applying $patch failed (log: $log)"
  done
}

# `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.x` compiles, but the binary panics at
# start-up: build/version/version.txt is generated by FerretDB's own build and is not part of the
# module. So the module is fetched with `go mod download`, copied, patched, given that file, and built.
ferretdb_build_locked() {
  ferretdb_built && return 0
  need_go
  local log=$INFRA_HOME/logs/build-ferretdb.log out=$INFRA_CACHE/bin/ferretdb.tmp.$BASHPID
  local build=$INFRA_CACHE/build/ferretdb-v$FERRETDB_VERSION
  info "mongo: building FerretDB v$FERRETDB_VERSION from the Go module proxy (first run only, ~1-3 min)"
  mkdir -p "$INFRA_CACHE/bin"
  # shellcheck disable=SC2046 # one word per patch file
  go_module_patched "github.com/FerretDB/FerretDB@v$FERRETDB_VERSION" "$build" "$log" $(ferretdb_patches)
  echo "v$FERRETDB_VERSION" >"$build/build/version/version.txt"
  echo "source" >"$build/build/version/package.txt"
  # pgx, its PostgreSQL driver, is patched too: a copy of the module its go.mod requires, used through
  # a replace directive.
  local pgx
  pgx=$(awk '$1 == "github.com/jackc/pgx/v5" { print $2; exit }' "$build/go.mod")
  [[ -n $pgx ]] || die "mongo: FerretDB's go.mod names no github.com/jackc/pgx/v5 (log: $log)"
  # shellcheck disable=SC2046 # one word per patch file
  go_module_patched "github.com/jackc/pgx/v5@$pgx" "$build/third_party/pgx" "$log" $(ferretdb_pgx_patches)
  (cd "$build" && go mod edit -replace github.com/jackc/pgx/v5=./third_party/pgx) >>"$log" 2>&1 ||
    die "mongo: pointing FerretDB's build at the patched pgx failed (log: $log)"
  if ! (cd "$build" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -buildvcs=false -trimpath \
    -o "$out" ./cmd/ferretdb >>"$log" 2>&1 </dev/null); then
    tail -n 30 "$log" >&2
    die "mongo: building FerretDB failed (log: $log)"
  fi
  mv -f "$out" "$(ferretdb_bin)"
  rm -rf "$build"
  ferretdb_built || die "mongo: the FerretDB binary built from source does not report v$FERRETDB_VERSION"
}

ferretdb_up() {
  local dir=$INFRA_HOME/ferretdb pid log=$INFRA_HOME/logs/mongo.log
  ferretdb_built || with_cache_lock "ferretdb-$FERRETDB_VERSION" ferretdb_build_locked
  # One built from other patches (a checkout that changed them) is replaced, or it would keep serving.
  if pid=$(our_pid ferretdb "$(ferretdb_pattern)" "$dir") && [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" != "$(ferretdb_bin)" ]]; then
    info "mongo: restarting FerretDB (pid $pid): the patches changed since it started"
    stop_daemon ferretdb "$(ferretdb_pattern)" "$dir" 15 || true
  fi
  if ! pid=$(our_pid ferretdb "$(ferretdb_pattern)" "$dir"); then
    ensure_port_free ferretdb "$MONGO_PORT"
    mkdir -p "$dir/state"
    # PostgreSQL on its unix socket when it has one: each of the ~60 statements a booking pair costs
    # is a round trip, and loopback TCP's cost more CPU (docs/performance.md).
    local pg_url="postgres://postgres@127.0.0.1:$PG_PORT/ferretdb?pool_max_conns=$FERRETDB_PG_POOL" socket
    socket=$(pg_dir)/run
    if [[ -S $socket/.s.PGSQL.$PG_PORT ]]; then
      pg_url="postgres://postgres@/ferretdb?host=$socket&port=$PG_PORT&pool_max_conns=$FERRETDB_PG_POOL"
    fi
    # GOGC=400: memory is plentiful and FerretDB allocates per document decoded; with Go's default of
    # 100 its garbage collector was about a seventh of its CPU under load.
    pid=$(start_daemon ferretdb "$dir" "$log" env DO_NOT_TRACK=1 GOGC="${FERRETDB_GOGC:-400}" "$(ferretdb_bin)" \
      --listen-addr="127.0.0.1:$MONGO_PORT" --handler=postgresql --postgresql-url="$pg_url" \
      --state-dir="$dir/state" --telemetry=disable --debug-addr="${FERRETDB_DEBUG_ADDR:--}" --log-level=warn)
  fi
  wait_ready ferretdb "$pid" "${MONGO_START_TIMEOUT:-60}" "$log" mongo_ping "$MONGO_PORT"
}

# --- PostgreSQL (FerretDB's backend) --------------------------------------------------------------

pg_find_bin() {
  local v
  if [[ -n ${PG_BIN:-} ]]; then
    [[ -x $PG_BIN/postgres ]] && echo "$PG_BIN"
    return
  fi
  for v in 15 16 17 14 13; do
    [[ -x /usr/lib/postgresql/$v/bin/postgres ]] && echo "/usr/lib/postgresql/$v/bin" && return 0
  done
  return 1
}

# Runs a PostgreSQL tool as the postgres OS user when we are root (postgres refuses to run as root).
as_pg() {
  if ((EUID == 0)); then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# The cluster lives under INFRA_HOME unless the postgres user cannot reach it (e.g. under /root).
_pg_dir=
pg_dir() {
  if [[ -z $_pg_dir ]]; then
    _pg_dir=$INFRA_HOME/postgres
    if ((EUID == 0)) && ! runuser -u postgres -- test -x "$INFRA_HOME" 2>/dev/null; then
      _pg_dir=/var/tmp/booking-platform-postgres-$(printf '%s' "$INFRA_HOME" | sha256sum | cut -c1-12)
    fi
  fi
  echo "$_pg_dir"
}

pg_psql() {
  PGCONNECT_TIMEOUT=5 "$(pg_find_bin)/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@" </dev/null
}

# After a crash (kill -9) the old postmaster may linger for a moment as an unreaped zombie, or its
# backends may still hold the shared memory: drop a lock file whose process is gone and retry.
pg_start() {
  local bin=$1 data=$2 log=$3 attempt old
  for attempt in 1 2 3 4 5; do
    if [[ -f $data/postmaster.pid ]]; then
      old=$(head -n 1 "$data/postmaster.pid")
      [[ $old =~ ^[0-9]+$ ]] && ! proc_start_time "$old" >/dev/null && rm -f "$data/postmaster.pid"
    fi
    as_pg "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null 2>&1 9>&- && return 0
    sleep "$attempt"
  done
  tail -n 20 "$log" >&2
  die "mongo: PostgreSQL did not start (log: $log)"
}

# Writes the cluster's settings from infra/postgres/postgresql.conf; false when they differ from what was there.
pg_render_conf() {
  local dir=$1 data=$2 before=
  local PG_SOCKET_DIR=$dir/run
  ((${#PG_SOCKET_DIR} < 90)) || PG_SOCKET_DIR= # unix socket paths are limited to 107 bytes
  [[ -f $data/infra.conf ]] && before=$(cat "$data/infra.conf")
  render_template "$REPO_ROOT/infra/postgres/postgresql.conf" "$data/infra.conf" PG_PORT PG_SOCKET_DIR
  ((EUID == 0)) && chown postgres: "$data/infra.conf"
  [[ $before == "$(cat "$data/infra.conf")" ]]
}

# On a running cluster: settings changed since it started apply now, those a reload can change.
pg_refresh_conf() {
  pg_render_conf "$(pg_dir)" "$(pg_dir)/data" && return 0
  pg_psql -d postgres -c 'SELECT pg_reload_conf()' >/dev/null || true
}

pg_up() {
  local dir data bin pid log=$INFRA_HOME/logs/postgres.log
  dir=$(pg_dir) data=$(pg_dir)/data bin=$(pg_find_bin)
  if ! pid=$(our_pid postgres postgres "$data"); then
    ensure_port_free postgres "$PG_PORT"
    mkdir -p "$dir/run"
    touch "$log"
    ((EUID == 0)) && chown postgres: "$dir" "$dir/run" "$log"
    if [[ ! -s $data/PG_VERSION ]]; then
      rm -rf "$data"
      as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >>"$log" 2>&1 ||
        die "mongo: initdb failed (log: $log)"
      echo "include_if_exists = 'infra.conf'" >>"$data/postgresql.conf"
    fi
    pg_render_conf "$dir" "$data" || true
    pg_start "$bin" "$data" "$log"
    pid=$(head -n 1 "$data/postmaster.pid")
    record_pid postgres "$pid"
  else
    pg_refresh_conf
  fi
  wait_ready postgres "$pid" 60 "$log" pg_psql -d postgres -c 'SELECT 1'
  if [[ -z $(pg_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'") ]]; then
    pg_psql -d postgres -c 'CREATE DATABASE ferretdb' >/dev/null
  fi
  # Indexes PostgreSQL can use for FerretDB's pushdown, kept in step by event triggers (see the file).
  pg_psql -d ferretdb -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' \
    -f "$REPO_ROOT/infra/postgres/ferretdb-indexes.sql" >>"$log" 2>&1 ||
    die "mongo: applying infra/postgres/ferretdb-indexes.sql failed (log: $log)"
}
