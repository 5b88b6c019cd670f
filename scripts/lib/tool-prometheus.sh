# shellcheck shell=bash
# prometheus and promtool from Debian's `prometheus` package (apt-get, as root), installed once.
# The package's own service is not started (apt_install's policy-rc.d); tests run their own server
# on a free port with a generated config. Sourced after infra-common.sh (INFRA_HOME, INFRA_CACHE set).

prometheus_installed() { command -v prometheus >/dev/null && command -v promtool >/dev/null; }

prometheus_install_locked() {
  prometheus_installed && return 0
  mkdir -p "$INFRA_HOME/logs"
  apt_install "prometheus and promtool are required (alert rules, rule tests, the Prometheus e2e test)" prometheus
  prometheus_installed || die "prometheus: the Debian package did not put prometheus and promtool on PATH"
}

# Prints the path of promtool / prometheus, installing Debian's package first if needed. Concurrent
# callers (parallel test files) wait on one lock instead of racing for dpkg's.
promtool_path() {
  prometheus_installed || with_cache_lock prometheus-apt prometheus_install_locked
  command -v promtool
}

prometheus_path() {
  prometheus_installed || with_cache_lock prometheus-apt prometheus_install_locked
  command -v prometheus
}
