# shellcheck shell=bash
# Shared helpers for scripts/infra: logging, prerequisites, locks, detached processes, probes.
# Sourced by scripts/infra; expects INFRA_HOME, INFRA_CACHE and REPO_ROOT to be set.

info() { printf 'infra: %s\n' "$*" >&2; }
die() {
  printf 'infra: error: %s\n' "$*" >&2
  exit 1
}

# Seconds since $1 (an $EPOCHREALTIME value), e.g. "3.4s".
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", b - a }'; }

# Replaces @NAME@ tokens in template $1 with the values of the named variables, writing $2.
render_template() {
  local src=$1 dest=$2 tmp="$2.tmp.$BASHPID" name args=()
  shift 2
  for name in "$@"; do args+=(-e "s|@${name}@|${!name}|g"); done
  sed "${args[@]}" "$src" >"$tmp"
  mv "$tmp" "$dest"
}

# --- prerequisites ------------------------------------------------------------------------------

_apt_updated=
# Installs Debian packages when running as root; otherwise tells the user what to run.
# Services the packages ship (redis-server, the postgresql main cluster) are not started.
apt_install() {
  local why=$1
  shift
  if ((EUID != 0)) || ! command -v apt-get >/dev/null; then
    die "$why: install it with: sudo apt-get update && sudo apt-get install -y $*"
  fi
  info "$why: installing $* with apt-get"
  local policy=/usr/sbin/policy-rc.d created_policy=
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && created_policy=1
  fi
  local rc=0
  {
    if [[ -z $_apt_updated ]]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null && _apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" </dev/null
  } >>"$INFRA_HOME/logs/apt.log" 2>&1 || rc=$?
  [[ -n $created_policy ]] && rm -f "$policy"
  ((rc == 0)) || die "apt-get install $* failed (see $INFRA_HOME/logs/apt.log)"
}

need_java() {
  command -v java >/dev/null || die "Java 17 is required: apt-get install -y openjdk-17-jre-headless"
  local v
  v=$(java -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
  [[ ${v:-0} -ge 17 ]] || die "Java 17 or newer is required (found ${v:-unknown}): apt-get install -y openjdk-17-jre-headless"
}

need_mvn() {
  command -v mvn >/dev/null || die "Maven is required to fetch the Kafka jars: apt-get install -y maven"
}

need_go() {
  command -v go >/dev/null || die "Go >= 1.22 is required to build FerretDB and stripe-mock: \
install it from https://go.dev/dl (e.g. curl -fsSL https://go.dev/dl/go1.24.3.linux-amd64.tar.gz | tar -C /usr/local -xz; \
export PATH=\$PATH:/usr/local/go/bin). Debian 12's golang-go (1.19) is too old."
  local v
  v=$(go env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
  [[ ${v:-0} -ge 21 ]] || die "Go >= 1.21 is required (found $(go env GOVERSION 2>/dev/null || echo unknown)); see https://go.dev/dl"
}

# Runs "$@" while holding an exclusive lock on $INFRA_CACHE/locks/$name (tool builds shared by instances).
with_cache_lock() {
  local name=$1
  shift
  mkdir -p "$INFRA_CACHE/locks"
  (
    flock -w 1800 8 || die "timed out waiting for the $name build lock"
    "$@"
  ) 8>"$INFRA_CACHE/locks/$name.lock"
}

# --- processes ----------------------------------------------------------------------------------
# A pid file holds "<pid> <start time>"; a process counts as ours only if the pid is alive, has the
# same start time (no pid reuse), its command line contains the expected text and it runs in the
# expected working directory (every daemon is started in its own directory under INFRA_HOME).

pid_file() { echo "$INFRA_HOME/run/$1.pid"; }

# Prints the start time (clock ticks since boot) of a live, non-zombie process.
proc_start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  [[ $1 != Z && $1 != X ]] || return 1
  echo "${20}"
}

record_pid() { echo "$2 $(proc_start_time "$2")" >"$(pid_file "$1")"; }

# our_pid NAME PATTERN DIR: prints the pid of our NAME process if it is still running.
our_pid() {
  local name=$1 pattern=$2 dir=$3 file pid start cmd
  file=$(pid_file "$name")
  [[ -f $file ]] || return 1
  read -r pid start <"$file" || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ "$(proc_start_time "$pid")" == "$start" ]] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$pattern"* ]] || return 1
  [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$(cd "$dir" 2>/dev/null && pwd -P)" ]] || return 1
  echo "$pid"
}

# start_daemon NAME DIR LOG CMD...: runs CMD in DIR in its own session, detached from the caller
# (no inherited stdin/stdout/stderr or lock descriptor), and records its pid.
start_daemon() {
  local name=$1 dir=$2 log=$3
  shift 3
  printf '\n===== %s infra: starting %s\n' "$(date '+%F %T')" "$*" >>"$log"
  (cd "$dir" && exec nohup setsid "$@" >>"$log" 2>&1 </dev/null 9>&-) &
  local pid=$!
  sleep 0.1
  proc_start_time "$pid" >/dev/null || {
    tail -n 20 "$log" >&2
    die "$name exited immediately (log: $log)"
  }
  record_pid "$name" "$pid"
  echo "$pid"
}

# stop_daemon NAME PATTERN DIR TIMEOUT [SIGNAL]: stops our process (SIGNAL, then SIGKILL after TIMEOUT s).
# Returns 1 if nothing of ours was running.
stop_daemon() {
  local name=$1 pattern=$2 dir=$3 timeout=$4 signal=${5:-TERM} pid start
  if ! pid=$(our_pid "$name" "$pattern" "$dir"); then
    rm -f "$(pid_file "$name")"
    return 1
  fi
  start=$(proc_start_time "$pid")
  kill -"$signal" "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + timeout))
  while [[ "$(proc_start_time "$pid")" == "$start" ]]; do
    if ((SECONDS >= deadline)); then
      info "$name (pid $pid) did not stop within ${timeout}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$(pid_file "$name")"
}

# wait_ready NAME PID TIMEOUT LOG CHECK...: polls CHECK until it succeeds; fails early if PID dies.
wait_ready() {
  local name=$1 pid=$2 timeout=$3 log=$4
  shift 4
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! proc_start_time "$pid" >/dev/null; then
      tail -n 30 "$log" >&2
      die "$name exited during startup (log: $log)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$log" >&2
      die "$name did not become ready within ${timeout}s (log: $log)"
    fi
    sleep 0.3
  done
}

# --- probes -------------------------------------------------------------------------------------

# shellcheck disable=SC2016 # $0/$1 expand in the inner shell
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; }

# Fails with a clear message when something that is not ours already listens on the port.
ensure_port_free() {
  local what=$1 port=$2
  if port_open 127.0.0.1 "$port"; then
    die "$what: port $port is already in use by another process (not one started for INFRA_HOME=$INFRA_HOME); \
stop it or choose another port"
  fi
}

# One line per component: name, state, address, time.
report() {
  if [[ -n ${4:-} ]]; then printf '%-12s %-8s %-34s %s\n' "$@"; else printf '%-12s %-8s %s\n' "$1" "$2" "$3"; fi
}
