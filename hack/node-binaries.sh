#!/usr/bin/env bash
# Builds what the real single-node cluster of the tests needs beyond hack/test-binaries.sh, from Go
# modules with the local Go toolchain, cached outside the repository next to the other binaries:
#   ${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/k8s/<version>-linux-<arch>/
#       kubelet, kube-controller-manager, kube-scheduler, kube-proxy   (k8s.io/kubernetes, same recipe
#       as kube-apiserver in hack/test-binaries.sh)
#   ${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/coredns/<version>-linux-<arch>/coredns
#   ${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/testpod/testpod
#       (hack/testpod: the sandbox "pause" process and the test programs inside the test images;
#       rebuilt when the hash of its source in testpod/source.sha256 differs)
#
# Usage: hack/node-binaries.sh
#   SEKISHO_K8S_VERSION     Kubernetes release (default 1.34.4; the tests read the same variable)
#   SEKISHO_COREDNS_VERSION CoreDNS release (default 1.12.1; the tests read the same variable)
# A first build takes several minutes; later runs only check the cache.
set -euo pipefail

K8S_VERSION="${SEKISHO_K8S_VERSION:-1.34.4}"
COREDNS_VERSION="${SEKISHO_COREDNS_VERSION:-1.12.1}"
CACHE="${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
case "$(uname -m)" in
  x86_64 | amd64) ARCH=amd64 ;;
  aarch64 | arm64) ARCH=arm64 ;;
  *) ARCH="$(uname -m)" ;;
esac
K8S_OUT="$CACHE/k8s/${K8S_VERSION}-linux-${ARCH}"
DNS_OUT="$CACHE/coredns/${COREDNS_VERSION}-linux-${ARCH}"
TESTPOD_SRC="$ROOT/hack/testpod/main.go"
TESTPOD_OUT="$CACHE/testpod"
TESTPOD_HASH="$(sha256sum "$TESTPOD_SRC" | cut -d' ' -f1)"
K8S_BINS=(kubelet kube-controller-manager kube-scheduler kube-proxy)

k8s_present() { local b; for b in "${K8S_BINS[@]}"; do [[ -x "$K8S_OUT/$b" ]] || return 1; done; }
testpod_present() { [[ -x "$TESTPOD_OUT/testpod" && "$(cat "$TESTPOD_OUT/source.sha256" 2>/dev/null)" == "$TESTPOD_HASH" ]]; }
present() { k8s_present && [[ -x "$DNS_OUT/coredns" ]] && testpod_present; }
if present; then
  echo "node binaries present in $K8S_OUT, $DNS_OUT and $TESTPOD_OUT"
  exit 0
fi

command -v go >/dev/null || { echo "error: Go toolchain not found; install Go 1.24+ to build the node binaries into $K8S_OUT" >&2; exit 1; }
go_minor="$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
if [[ -z "$go_minor" || "$go_minor" -lt 24 ]]; then
  echo "error: Kubernetes ${K8S_VERSION} needs Go 1.24 or newer, found $(go env GOVERSION)" >&2
  exit 1
fi
mkdir -p "$K8S_OUT" "$DNS_OUT" "$TESTPOD_OUT"
# A concurrent run waits for this one and then finds the binaries present.
if command -v flock >/dev/null; then
  exec 9>"$K8S_OUT/.node-build.lock"
  flock 9
  if present; then echo "node binaries present (built by a concurrent run)"; exit 0; fi
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export CGO_ENABLED=0 GOTOOLCHAIN=local

build_k8s() {
  local dir="$WORK/k8s" staging_version="v0.${K8S_VERSION#1.}"
  mkdir -p "$dir" && cd "$dir"
  export GOFLAGS=-mod=mod
  go mod init sekisho.dev/testbin/k8snode >/dev/null 2>&1
  # the same staging replaces as hack/test-binaries.sh
  local gomod
  gomod="$(go mod download -json "k8s.io/kubernetes@v${K8S_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')"
  grep -oE '^[[:space:]]*k8s\.io/[a-z0-9-]+ => \./staging/src/k8s\.io/[a-z0-9-]+' "$gomod" \
    | awk '{print $1}' | sort -u > staging.txt
  {
    echo "require k8s.io/kubernetes v${K8S_VERSION}"
    while read -r m; do echo "replace $m => $m ${staging_version}"; done < staging.txt
  } >> go.mod
  {
    printf '//go:build tools\n\npackage tools\n\nimport (\n'
    local b
    for b in "${K8S_BINS[@]}"; do printf '\t_ "k8s.io/kubernetes/cmd/%s"\n' "$b"; done
    printf ')\n'
  } > tools.go
  go mod tidy >/dev/null
  local minor
  minor="$(echo "${K8S_VERSION}" | cut -d. -f2)"
  local ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v${K8S_VERSION} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor} -X k8s.io/client-go/pkg/version.gitVersion=v${K8S_VERSION}"
  local b
  for b in "${K8S_BINS[@]}"; do
    [[ -x "$K8S_OUT/$b" ]] && continue
    go build -trimpath -ldflags "$ldflags" -o "$K8S_OUT/$b.tmp" "k8s.io/kubernetes/cmd/$b"
    mv "$K8S_OUT/$b.tmp" "$K8S_OUT/$b"
  done
  unset GOFLAGS
}

build_coredns() {
  # go install of a pinned release: CoreDNS's own go.mod selects every dependency (its replaces apply).
  GOBIN="$WORK/dnsbin" go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@v${COREDNS_VERSION}"
  mv "$WORK/dnsbin/coredns" "$DNS_OUT/coredns"
}

build_testpod() {
  local dir="$WORK/testpod"
  mkdir -p "$dir" && cd "$dir"
  cp "$TESTPOD_SRC" main.go
  go mod init sekisho.dev/testbin/testpod >/dev/null 2>&1
  go build -trimpath -ldflags "-s -w" -o "$TESTPOD_OUT/testpod.tmp" .
  mv "$TESTPOD_OUT/testpod.tmp" "$TESTPOD_OUT/testpod"
  echo "$TESTPOD_HASH" > "$TESTPOD_OUT/source.sha256"
}

start=$(date +%s)
testpod_present || { build_testpod; echo "built testpod in $(( $(date +%s) - start ))s"; }
k8s_present || { build_k8s; echo "built ${K8S_BINS[*]} after $(( $(date +%s) - start ))s"; }
[[ -x "$DNS_OUT/coredns" ]] || { build_coredns; echo "built coredns after $(( $(date +%s) - start ))s"; }
echo "built node binaries in $(( $(date +%s) - start ))s"
"$K8S_OUT/kubelet" --version
"$DNS_OUT/coredns" -version | sed -n 1p
