#!/usr/bin/env bash
# Builds Tekton Pipelines' real controller, and the binaries of the images its pods use, from its Go
# module for the end-to-end tests, cached outside the repository:
#   ${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/tekton/v<version>/bin/controller
#   ${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/tekton/v<version>/bin/{entrypoint,nop,workingdirinit,sidecarlogresults}
#   ${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/tekton/v<version>/config/config-*.yaml
#
# The image binaries are what Tekton's release puts at /ko-app/<name> in the images the controller
# is given with -entrypoint-image, -nop-image, -workingdirinit-image and -sidecarlogresults-image
# (the test kit's TektonImages lays them out as ko does). They come from the same vendored, patched
# tree and the same build line as the controller (none of them opens a listener).
#
# The controller is github.com/tektoncd/pipeline/cmd/controller at the pinned release, with every module
# at the version Tekton's own go.mod selects (Tekton's replace lines are copied, since a dependency's
# replaces are ignored). Exactly four source lines differ, patched at build time in a vendored copy
# (the module cache stays untouched): the controller's health-probe server, knative's default probe
# server and knative's profiling server listen on ":PORT", i.e. on every interface; the patch makes
# them listen on 127.0.0.1 only, because servers started by the tests must never be reachable from
# outside this machine. (Metrics are turned off by the tests through config-observability.)
# Cached: nothing happens when the binary is present and was built by the same recipe (the stamp
# $OUT/recipe holds a hash of this script's version pin, patch and build lines: changing any of them
# rebuilds; comments do not).
set -euo pipefail

TEKTON_VERSION="${SEKISHO_TEKTON_VERSION:-1.6.0}"
CACHE="${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}"
OUT="$CACHE/tekton/v${TEKTON_VERSION}"
COMMANDS=(controller entrypoint nop workingdirinit sidecarlogresults)
recipe="$(grep -E '^(TEKTON_VERSION=|COMMANDS=|patch_in_place |GOFLAGS=|export GOFLAGS|  GOFLAGS=)' "$0" | sha256sum | cut -c1-16)"

present=true
for c in "${COMMANDS[@]}"; do
  [[ -x "$OUT/bin/$c" ]] || present=false
done
if [[ "$present" == true && -f "$OUT/config/config-feature-flags.yaml" &&
  "$(cat "$OUT/recipe" 2>/dev/null)" == "$recipe" ]]; then
  echo "Tekton v${TEKTON_VERSION} controller and image binaries present in $OUT/bin"
  exit 0
fi
rm -f "$OUT/recipe"
command -v go >/dev/null || { echo "error: Go toolchain not found; install Go 1.24+ to build Tekton's controller" >&2; exit 1; }
export GOFLAGS=-mod=mod CGO_ENABLED=0 GOTOOLCHAIN=local
start=$(date +%s)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

src="$(go mod download -json "github.com/tektoncd/pipeline@v${TEKTON_VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[[ -n "$src" ]] || { echo "error: cannot download github.com/tektoncd/pipeline@v${TEKTON_VERSION}" >&2; exit 1; }

go mod init sekisho.dev/testbin/tekton >/dev/null 2>&1
echo "require github.com/tektoncd/pipeline v${TEKTON_VERSION}" >> go.mod
# Tekton's own replace directives, single-line and block form alike.
awk '/^replace \($/ {block=1; print; next} block {print; if ($0 ~ /^\)$/) block=0; next} /^replace / {print}' "$src/go.mod" >> go.mod
{
  printf '//go:build tools\n\npackage tools\n\nimport (\n'
  for c in "${COMMANDS[@]}"; do printf '\t_ "github.com/tektoncd/pipeline/cmd/%s"\n' "$c"; done
  printf ')\n'
} > tools.go
go mod tidy >/dev/null 2>&1 || go mod tidy

# The loopback patch: the build uses a vendored copy of every module (the module cache stays
# untouched); patch the two listener lines there and fail when one is not found, so a new release that
# moves them stops the build instead of silently listening everywhere.
go mod vendor
patch_in_place() { # <vendored file> <sed expression>
  cp "$1" "$1.orig"
  sed -i "$2" "$1"
  if cmp -s "$1" "$1.orig"; then
    echo "error: cannot bind $1 to loopback: the listener line was not found" >&2
    exit 1
  fi
  rm "$1.orig"
}
chmod -R u+w vendor
patch_in_place vendor/github.com/tektoncd/pipeline/cmd/controller/main.go 's|http.ListenAndServe(":"+port, mux)|http.ListenAndServe("127.0.0.1:"+port, mux)|'
patch_in_place vendor/knative.dev/pkg/profiling/server.go 's|Addr:              ":" + port,|Addr:              "127.0.0.1:" + port,|'
# knative's default probe server duplicates the controller's own (in Tekton's Deployment both are
# given port 8080); it gets a random loopback port (0), so it can never collide with anything.
patch_in_place vendor/knative.dev/pkg/injection/health_check.go 's|Addr: ":" + strconv.Itoa(port)}|Addr: "127.0.0.1:" + strconv.Itoa(port)}|'
patch_in_place vendor/knative.dev/pkg/injection/health_check.go 's|^const HealthCheckDefaultPort = 8080$|const HealthCheckDefaultPort = 0|'

mkdir -p "$OUT/bin" "$OUT/config"
for c in "${COMMANDS[@]}"; do
  GOFLAGS=-mod=vendor nice go build -trimpath -ldflags "-s -w" -o "$OUT/bin/$c.tmp" "github.com/tektoncd/pipeline/cmd/$c"
done
cp "$src"/config/config-*.yaml "$OUT/config/"
chmod u+w "$OUT"/config/*.yaml
for c in "${COMMANDS[@]}"; do
  mv "$OUT/bin/$c.tmp" "$OUT/bin/$c"
done
echo "$recipe" > "$OUT/recipe"
echo "built Tekton v${TEKTON_VERSION} (${COMMANDS[*]}) in $(( $(date +%s) - start ))s"
