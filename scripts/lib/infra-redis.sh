# shellcheck shell=bash
# Redis component: Debian's redis-server, no persistence, bound to 127.0.0.1.

redis_url() { echo "redis://127.0.0.1:$REDIS_PORT"; }
redis_dir() { echo "$INFRA_HOME/redis"; }

redis_prereqs() {
  command -v redis-server >/dev/null || apt_install "redis-server is required" redis-server
  command -v redis-server >/dev/null || die "redis-server not found on PATH after installing it"
}

# PING over plain TCP; succeeds on +PONG.
redis_ping() {
  # shellcheck disable=SC2016 # $0 expands in the inner shell
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"; printf "PING\r\n" >&3; read -r reply <&3; [[ $reply == "+PONG"* ]]' "$1" 2>/dev/null
}

redis_up() {
  local t0=$EPOCHREALTIME dir pid log=$INFRA_HOME/logs/redis.log
  dir=$(redis_dir)
  if pid=$(our_pid redis redis-server "$dir") && redis_ping "$REDIS_PORT"; then
    report redis running "$(redis_url)" "(already up, $(elapsed "$t0"))"
    return 0
  fi
  if [[ -z $pid ]]; then
    ensure_port_free redis "$REDIS_PORT"
    mkdir -p "$dir"
    pid=$(start_daemon redis "$dir" "$log" "$(command -v redis-server)" --port "$REDIS_PORT" \
      --bind 127.0.0.1 --dir "$dir" --daemonize no --save '' --appendonly no --protected-mode yes)
  fi
  wait_ready redis "$pid" 30 "$log" redis_ping "$REDIS_PORT"
  report redis started "$(redis_url)" "($(redis-server --version | grep -o 'v=[0-9.]*' | cut -c3-), $(elapsed "$t0"))"
}

redis_down() {
  local t0=$EPOCHREALTIME
  if stop_daemon redis redis-server "$(redis_dir)" 15; then
    report redis stopped "$(redis_url)" "($(elapsed "$t0"))"
  else
    report redis stopped "$(redis_url)" "(was not running)"
  fi
}

redis_status() {
  local pid
  if pid=$(our_pid redis redis-server "$(redis_dir)"); then
    report redis "$(redis_ping "$REDIS_PORT" && echo running || echo starting)" "$(redis_url)" "(pid $pid)"
  else
    report redis stopped "$(redis_url)"
  fi
}
