#!/usr/bin/env bash
# Builds the peer scanners that bench/peers.sh compares Sekisho with, from the Go module proxy at
# pinned versions, into a cache outside the repository (like hack/tool-binaries.sh does for Helm):
#   ${SEKISHO_BENCH_CACHE:-$HOME/.cache/sekisho-bench}/tools/<name>-<version>/<name>
# Benchmarks only: nothing in .ci/run uses these tools.
#
# Usage: bench/peer-binaries.sh [NAME...]   (default: osv-scanner syft grype trivy, in that order;
# gitleaks, for bench/secrets.sh, only when named)
# Builds run under `nice -n 10` with CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local; a tool that
# is already built is skipped. Trivy is by far the largest build (several minutes of CPU).
set -euo pipefail

# osv-scanner 2.6.0 (the newest) needs Go 1.27; 2.5.0 is the newest that builds with Go 1.26
OSV_SCANNER_VERSION="${SEKISHO_OSV_SCANNER_VERSION:-2.5.0}"
SYFT_VERSION="${SEKISHO_SYFT_VERSION:-1.57.0}"
GRYPE_VERSION="${SEKISHO_GRYPE_VERSION:-0.121.2}"
TRIVY_VERSION="${SEKISHO_TRIVY_VERSION:-0.74.0}"
GITLEAKS_VERSION="${SEKISHO_GITLEAKS_VERSION:-8.30.1}"
TOOLS="${SEKISHO_BENCH_CACHE:-$HOME/.cache/sekisho-bench}/tools"

command -v go >/dev/null || { echo "error: the Go toolchain is missing (Go 1.25+)" >&2; exit 1; }
export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local

# build NAME MODULE VERSION PACKAGE LDFLAGS: builds PACKAGE of MODULE@VERSION into $TOOLS/NAME-vVERSION/NAME
build() {
  local name="$1" module="$2" version="$3" package="$4" ldflags="$5"
  local out="$TOOLS/$name-v$version"
  if [[ -x "$out/$name" ]]; then
    echo "$name v$version present in $out"
    return
  fi
  local work start
  work="$(mktemp -d)"
  start=$(date +%s)
  mkdir -p "$out"
  (
    cd "$work"
    go mod init "sekisho.dev/benchbin/$name" >/dev/null 2>&1
    echo "require $module v$version" >>go.mod
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$package" >tools.go
    nice -n 10 go mod tidy >/dev/null
    nice -n 10 go build -trimpath -ldflags "-s -w $ldflags" -o "$out/$name.tmp" "$package"
  )
  rm -rf "$work"
  mv "$out/$name.tmp" "$out/$name"
  echo "built $name v$version in $(($(date +%s) - start)) s: $out/$name"
}

want=("$@")
((${#want[@]})) || want=(osv-scanner syft grype trivy)
for name in "${want[@]}"; do
  case "$name" in
    osv-scanner)
      build osv-scanner github.com/google/osv-scanner/v2 "$OSV_SCANNER_VERSION" \
        github.com/google/osv-scanner/v2/cmd/osv-scanner "" ;;
    syft)
      build syft github.com/anchore/syft "$SYFT_VERSION" github.com/anchore/syft/cmd/syft \
        "-X main.version=v$SYFT_VERSION" ;;
    grype)
      build grype github.com/anchore/grype "$GRYPE_VERSION" github.com/anchore/grype/cmd/grype \
        "-X main.version=v$GRYPE_VERSION" ;;
    trivy) # Trivy uses encoding/json/v2, an experiment in Go 1.25 and 1.26
      GOEXPERIMENT=jsonv2 build trivy github.com/aquasecurity/trivy "$TRIVY_VERSION" github.com/aquasecurity/trivy/cmd/trivy \
        "-X github.com/aquasecurity/trivy/pkg/version/app.ver=v$TRIVY_VERSION" ;;
    gitleaks)
      build gitleaks github.com/zricethezav/gitleaks/v8 "$GITLEAKS_VERSION" github.com/zricethezav/gitleaks/v8 \
        "-X github.com/zricethezav/gitleaks/v8/version.Version=v$GITLEAKS_VERSION" ;;
    *) echo "unknown tool: $name (osv-scanner, syft, grype, trivy, gitleaks)" >&2; exit 2 ;;
  esac
done
