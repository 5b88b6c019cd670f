# shellcheck shell=bash
# helm, built from its Go module (`go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION`) into
# INFRA_CACHE/bin, once per version. The link flags are the ones helm's own Makefile sets, so
# `helm version` reports the release and `helm template` defaults to the Kubernetes version of the
# client-go it was built with (instead of 1.20).

: "${HELM_VERSION:=v3.22.0}"

helm_bin() { echo "$INFRA_CACHE/bin/helm-$HELM_VERSION"; }

helm_built() {
  local bin
  bin=$(helm_bin)
  [[ -x $bin ]] && [[ "$("$bin" version --template '{{.Version}}' 2>/dev/null)" == "$HELM_VERSION" ]]
}

helm_build_locked() {
  helm_built && return 0
  need_go
  local log=$INFRA_HOME/logs/build-helm.log tmp=$INFRA_CACHE/bin.tmp.$BASHPID t0=$EPOCHREALTIME mod k8s
  mkdir -p "$INFRA_HOME/logs"
  info "helm: building helm.sh/helm/v3/cmd/helm@$HELM_VERSION from the Go module proxy (first run only)"
  # The Kubernetes version helm assumes is that of the client-go it requires (helm's Makefile does the same).
  mod=$(cd "$INFRA_CACHE" && go mod download -json "helm.sh/helm/v3@$HELM_VERSION" 2>>"$log") ||
    die "helm: go mod download helm.sh/helm/v3@$HELM_VERSION failed (log: $log)"
  k8s=$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\..*/\1/p' \
    "$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' <<<"$mod")/go.mod")
  [[ $k8s =~ ^[0-9]+$ ]] || die "helm: could not read the client-go version from helm's go.mod"
  local ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION \
-X helm.sh/helm/v3/internal/version.gitTreeState=clean \
-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s \
-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s"
  if ! (cd "$INFRA_CACHE" && CGO_ENABLED=0 GOBIN=$tmp go install -trimpath -ldflags "$ldflags" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >>"$log" 2>&1 </dev/null); then
    rm -rf "$tmp"
    tail -n 30 "$log" >&2
    die "helm: go install failed (log: $log)"
  fi
  mkdir -p "$INFRA_CACHE/bin"
  mv -f "$tmp/helm" "$(helm_bin)"
  rm -rf "$tmp"
  helm_built || die "helm: the binary built does not report $HELM_VERSION"
  info "helm: built $HELM_VERSION in $(elapsed "$t0")"
}

# Prints the path of the helm binary, building it first if needed.
helm_path() {
  helm_built || with_cache_lock "helm-$HELM_VERSION" helm_build_locked
  helm_bin
}
