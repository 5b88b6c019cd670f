# shellcheck shell=bash
# stripe-mock component: Stripe's official mock API server, built with `go install`, on loopback.
# stripe-mock always opens an HTTPS listener unless HTTP is selected with a flag that binds every
# interface, so HTTPS is put on 127.0.0.1:STRIPE_MOCK_HTTPS_PORT (default STRIPE_MOCK_PORT + 1).

: "${STRIPE_MOCK_HTTPS_PORT:=$((STRIPE_MOCK_PORT + 1))}"

stripe_mock_url() { echo "http://127.0.0.1:$STRIPE_MOCK_PORT"; }
stripe_mock_dir() { echo "$INFRA_HOME/stripe-mock"; }
stripe_mock_bin() { echo "$INFRA_CACHE/bin/stripe-mock"; }

stripe_mock_prereqs() {
  [[ -x $(stripe_mock_bin) ]] || need_go
}

stripe_mock_build_locked() {
  [[ -x $(stripe_mock_bin) ]] && return 0
  local log=$INFRA_HOME/logs/build-stripe-mock.log tmp=$INFRA_CACHE/bin.tmp.$BASHPID
  info "stripe-mock: building github.com/stripe/stripe-mock@latest (first run only)"
  if ! (cd "$INFRA_CACHE" && CGO_ENABLED=0 GOBIN=$tmp go install github.com/stripe/stripe-mock@latest \
    >"$log" 2>&1 </dev/null); then
    rm -rf "$tmp"
    tail -n 30 "$log" >&2
    die "stripe-mock: go install failed (log: $log)"
  fi
  mkdir -p "$INFRA_CACHE/bin"
  mv -f "$tmp/stripe-mock" "$(stripe_mock_bin)"
  rm -rf "$tmp"
}

# Any authenticated API call answered with HTTP 200 means the mock is serving.
stripe_mock_ok() {
  command -v curl >/dev/null || {
    port_open 127.0.0.1 "$1"
    return
  }
  curl -fsS -o /dev/null --max-time 3 -u sk_test_123: "http://127.0.0.1:$1/v1/customers" 2>/dev/null
}

stripe_mock_up() {
  local t0=$EPOCHREALTIME dir pid log=$INFRA_HOME/logs/stripe-mock.log
  dir=$(stripe_mock_dir)
  if pid=$(our_pid stripe-mock stripe-mock "$dir") && stripe_mock_ok "$STRIPE_MOCK_PORT"; then
    report stripe-mock running "$(stripe_mock_url)" "(already up, $(elapsed "$t0"))"
    return 0
  fi
  [[ -x $(stripe_mock_bin) ]] || with_cache_lock stripe-mock stripe_mock_build_locked
  if [[ -z $pid ]]; then
    ensure_port_free stripe-mock "$STRIPE_MOCK_PORT"
    ensure_port_free "stripe-mock (https)" "$STRIPE_MOCK_HTTPS_PORT"
    mkdir -p "$dir"
    pid=$(start_daemon stripe-mock "$dir" "$log" "$(stripe_mock_bin)" \
      -http-addr "127.0.0.1:$STRIPE_MOCK_PORT" -https-addr "127.0.0.1:$STRIPE_MOCK_HTTPS_PORT")
  fi
  wait_ready stripe-mock "$pid" 60 "$log" stripe_mock_ok "$STRIPE_MOCK_PORT"
  report stripe-mock started "$(stripe_mock_url)" "($(elapsed "$t0"))"
}

stripe_mock_down() {
  local t0=$EPOCHREALTIME
  if stop_daemon stripe-mock stripe-mock "$(stripe_mock_dir)" 10; then
    report stripe-mock stopped "$(stripe_mock_url)" "($(elapsed "$t0"))"
  else
    report stripe-mock stopped "$(stripe_mock_url)" "(was not running)"
  fi
}

stripe_mock_status() {
  local pid
  if pid=$(our_pid stripe-mock stripe-mock "$(stripe_mock_dir)"); then
    report stripe-mock running "$(stripe_mock_url)" "(pid $pid)"
  else
    report stripe-mock stopped "$(stripe_mock_url)"
  fi
}
