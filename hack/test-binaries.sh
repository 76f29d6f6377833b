#!/usr/bin/env bash
# Builds the Kubernetes test binaries (etcd, kube-apiserver, kubectl) from the Go
# module proxy with the local Go toolchain and caches them outside the repository.
#
# Layout (what fabric8 kube-api-test's offline mode expects):
#   ${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/k8s/<version>-linux-amd64/{etcd,kube-apiserver,kubectl}
#
# Usage: hack/test-binaries.sh [--print-dir]
#   SEKISHO_TEST_CACHE   cache root (default $HOME/.cache/sekisho-test)
#   SEKISHO_K8S_VERSION  Kubernetes release (default 1.34.4; the tests read the same variable)
#   SEKISHO_ETCD_VERSION etcd release (default 3.6.16)
# A first build takes several minutes (Go compiles kube-apiserver); later runs only check the cache.
set -euo pipefail

K8S_VERSION="${SEKISHO_K8S_VERSION:-1.34.4}"
ETCD_VERSION="${SEKISHO_ETCD_VERSION:-3.6.16}"
CACHE="${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}"
# The architecture as Go names it; the tests derive the same name from os.arch.
case "$(uname -m)" in
  x86_64 | amd64) ARCH=amd64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) ARCH="$(uname -m)" ;;
esac
OUT="$CACHE/k8s/${K8S_VERSION}-linux-${ARCH}"

if [[ "${1:-}" == "--print-dir" ]]; then echo "$OUT"; exit 0; fi

present() { [[ -x "$OUT/etcd" && -x "$OUT/kube-apiserver" && -x "$OUT/kubectl" ]]; }
if present; then
  echo "test binaries present in $OUT"
  exit 0
fi

command -v go >/dev/null || { echo "error: Go toolchain not found; install Go 1.24+ to build the Kubernetes test binaries into $OUT" >&2; exit 1; }
go_minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
if [[ -z "$go_minor" || "$go_minor" -lt 24 ]]; then
  echo "error: Kubernetes ${K8S_VERSION} needs Go 1.24 or newer, found $(go env GOVERSION)" >&2
  exit 1
fi
mkdir -p "$OUT"
# Two builds at once (parallel CI jobs, or a developer and the IDE) would clobber each other:
# the second waits for the first and then finds the binaries present.
if command -v flock >/dev/null; then
  exec 9>"$OUT/.build.lock"
  flock 9
  if present; then echo "test binaries present in $OUT (built by a concurrent run)"; exit 0; fi
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local

build_k8s() {
  local dir="$WORK/k8s" staging_version="v0.${K8S_VERSION#1.}"
  mkdir -p "$dir" && cd "$dir"
  go mod init sekisho.dev/testbin/k8s >/dev/null 2>&1
  # k8s.io/kubernetes refers to its staging modules as v0.0.0 with local replaces;
  # replace each with the published v0.x version of the same release.
  local gomod
  gomod="$(go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  grep -oE '^[[:space:]]*k8s\.io/[a-z0-9-]+ => \./staging/src/k8s\.io/[a-z0-9-]+' "$gomod" \
    | awk '{print $1}' | sort -u > staging.txt
  {
    echo "require k8s.io/kubernetes v${K8S_VERSION}"
    while read -r m; do echo "replace $m => $m ${staging_version}"; done < staging.txt
  } >> go.mod
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  go mod tidy >/dev/null
  local minor
  minor="$(echo "${K8S_VERSION}" | cut -d. -f2)"
  # stamp the version the way the release build does, so /version and kubectl version report it
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v${K8S_VERSION} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor} -X k8s.io/client-go/pkg/version.gitVersion=v${K8S_VERSION}"
  go build -trimpath -ldflags "$ldflags" -o "$OUT/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
  go build -trimpath -ldflags "$ldflags" -o "$OUT/kubectl.tmp" k8s.io/kubernetes/cmd/kubectl
  mv "$OUT/kube-apiserver.tmp" "$OUT/kube-apiserver"
  mv "$OUT/kubectl.tmp" "$OUT/kubectl"
}

build_etcd() {
  local dir="$WORK/etcd"
  mkdir -p "$dir" && cd "$dir"
  go mod init sekisho.dev/testbin/etcd >/dev/null 2>&1
  echo "require go.etcd.io/etcd/server/v3 v${ETCD_VERSION}" >> go.mod
  cat > tools.go <<'GO'
//go:build tools

package tools

import _ "go.etcd.io/etcd/server/v3"
GO
  go mod tidy >/dev/null
  go build -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3
  mv "$OUT/etcd.tmp" "$OUT/etcd"
}

start=$(date +%s)
[[ -x "$OUT/etcd" ]] || build_etcd
[[ -x "$OUT/kube-apiserver" && -x "$OUT/kubectl" ]] || build_k8s
echo "built test binaries in $OUT in $(( $(date +%s) - start ))s"
"$OUT/kube-apiserver" --version
"$OUT/etcd" --version | sed -n 1p # sed reads to the end: head would cut etcd off (SIGPIPE, exit 141 under pipefail)
