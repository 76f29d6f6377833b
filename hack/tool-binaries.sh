#!/usr/bin/env bash
# Fetches what the tests use beyond Kubernetes itself, from the Go module proxy, cached outside the
# repository:
#   ${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/tools/helm-<version>/helm   (built: helm lint/template)
#   ${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/tekton/<version>/crds/*.yaml (Tekton's real CRDs)
#   ${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/tools/olm-validate-<version>-<hash>/olm-validate
#     (built from hack/olm-validate with operator-framework/api: OLM bundle validation)
set -euo pipefail

HELM_VERSION="${SEKISHO_HELM_VERSION:-3.19.0}"
CACHE="${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}"
HELM_OUT="$CACHE/tools/helm-v${HELM_VERSION}"
TEKTON_VERSION="${SEKISHO_TEKTON_VERSION:-1.6.0}"
TEKTON_OUT="$CACHE/tekton/v${TEKTON_VERSION}"
OLM_API_VERSION="${SEKISHO_OLM_API_VERSION:-0.47.1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OLM_SRC="$ROOT/hack/olm-validate/main.go"
OLM_OUT="$CACHE/tools/olm-validate-v${OLM_API_VERSION}-$(sha256sum "$OLM_SRC" | cut -c1-12)"

if [[ ! -f "$TEKTON_OUT/crds/300-pipelinerun.yaml" ]]; then
  dir="$(GOFLAGS=-mod=mod go mod download -json "github.com/tektoncd/pipeline@v${TEKTON_VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  mkdir -p "$TEKTON_OUT/crds"
  cp "$dir"/config/300-crds/*.yaml "$TEKTON_OUT/crds/"
  chmod u+w "$TEKTON_OUT"/crds/*.yaml
  echo "Tekton v${TEKTON_VERSION} CRDs in $TEKTON_OUT/crds"
fi

build_olm_validate() {
  local work
  work="$(mktemp -d)"
  (
    trap 'rm -rf "$work"' EXIT
    export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local
    start=$(date +%s)
    mkdir -p "$OLM_OUT" && cd "$work"
    go mod init sekisho.dev/testbin/olm-validate >/dev/null 2>&1
    echo "require github.com/operator-framework/api v${OLM_API_VERSION}" >> go.mod
    cp "$OLM_SRC" main.go
    go mod tidy >/dev/null
    go build -trimpath -ldflags "-s -w" -o "$OLM_OUT/olm-validate.tmp" .
    mv "$OLM_OUT/olm-validate.tmp" "$OLM_OUT/olm-validate"
    echo "built olm-validate (operator-framework/api v${OLM_API_VERSION}) in $(( $(date +%s) - start ))s"
  )
}

build_helm() {
  local work
  work="$(mktemp -d)"
  (
    trap 'rm -rf "$work"' EXIT
    export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local
    start=$(date +%s)
    mkdir -p "$HELM_OUT" && cd "$work"
    go mod init sekisho.dev/testbin/helm >/dev/null 2>&1
    echo "require helm.sh/helm/v3 v${HELM_VERSION}" >> go.mod
    cat > tools.go <<'GO'
//go:build tools

package tools

import _ "helm.sh/helm/v3/cmd/helm"
GO
    go mod tidy >/dev/null
    go build -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v${HELM_VERSION}" -o "$HELM_OUT/helm.tmp" helm.sh/helm/v3/cmd/helm
    mv "$HELM_OUT/helm.tmp" "$HELM_OUT/helm"
    echo "built helm v${HELM_VERSION} in $(( $(date +%s) - start ))s"
  )
}

if [[ -x "$HELM_OUT/helm" && -x "$OLM_OUT/olm-validate" ]]; then
  echo "helm present in $HELM_OUT; olm-validate present in $OLM_OUT"
  exit 0
fi
command -v go >/dev/null || { echo "error: Go toolchain not found; install Go 1.24+ to build Helm and olm-validate" >&2; exit 1; }
if [[ -x "$HELM_OUT/helm" ]]; then echo "helm present in $HELM_OUT"; else build_helm; fi
if [[ -x "$OLM_OUT/olm-validate" ]]; then echo "olm-validate present in $OLM_OUT"; else build_olm_validate; fi
