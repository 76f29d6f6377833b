#!/usr/bin/env bash
# Secret scanning, side by side: precision and recall of Sekisho, Trivy's secret scanner and
# gitleaks on the same files.
#
#   1. builds Trivy and gitleaks from the Go module proxy (bench/peer-binaries.sh trivy gitleaks)
#   2. downloads a few PyPI wheels and npm packages with pip and npm (pinned versions, cached)
#   3. makes the corpus (lib/secret_corpus.py): stock content (the test kit's Debian 12 fixture
#      plus this machine's perl, git, openssh-client and python3.11 packages with their dpkg
#      md5sums, a CPython standard library, Node's global node_modules, the PyPI and npm packages,
#      jars of ~/.m2 and their text resources) and one planted secret per file for every rule
#      Sekisho has, as one directory tree and as an OCI image with one layer per part
#   4. runs, under /usr/bin/time: Sekisho on the image (default, and --secrets-in-dependencies),
#      `trivy fs --scanners secret` and `gitleaks dir` on the tree
#   5. prints the table (lib/secret_compare.py): findings on stock content are false positives,
#      planted files found are the recall; --record appends it to RESULTS.md with date and machine
#
# Usage: bench/secrets.sh [--record] [--rebuild] [--no-build]
#   --no-build: do not build the peers; a peer that is not built is left out
# Needs: hack/setup.sh (the Debian fixture image, /usr/bin/time), `hack/mvn -q -B package
# -DskipTests` (./sekisho), Go 1.25+, pip, npm, openssl. Everything is cached in
# ${SEKISHO_BENCH_CACHE:-~/.cache/sekisho-bench}/secrets.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
die() { echo "error: $*" >&2; exit 1; }

record=false rebuild=false build=true
for a in "$@"; do
  case "$a" in
    --record) record=true ;;
    --rebuild) rebuild=true ;;
    --no-build) build=false ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) die "unknown option $a (--record, --rebuild, --no-build)" ;;
  esac
done

CACHE="${SEKISHO_BENCH_CACHE:-$HOME/.cache/sekisho-bench}"
work="$CACHE/secrets"
TRIVY_VERSION="${SEKISHO_TRIVY_VERSION:-0.74.0}"
GITLEAKS_VERSION="${SEKISHO_GITLEAKS_VERSION:-8.30.1}"
trivy="$CACHE/tools/trivy-v$TRIVY_VERSION/trivy"
gitleaks="$CACHE/tools/gitleaks-v$GITLEAKS_VERSION/gitleaks"
fixture="${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/fixtures/1/debian/oci"

[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing: run hack/setup.sh (Debian package 'time')"
[[ -f "$root/task-image/target/sekisho.jar" ]] || die "build Sekisho first: hack/mvn -q -B package -DskipTests"
[[ -f "$fixture/index.json" ]] || die "no Debian fixture image in $fixture: run FixtureContentIT (see docs/testing.md)"
if $build; then
  "$root/bench/peer-binaries.sh" trivy gitleaks
fi

mkdir -p "$work/downloads/pypi" "$work/downloads/npm"
if [[ -z "$(ls "$work/downloads/pypi")" ]]; then
  (cd "$work/downloads/pypi" && pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
    --platform manylinux2014_x86_64 -d . requests==2.32.3 urllib3==2.2.3 certifi==2024.8.30 \
    pyjwt==2.9.0 paramiko==3.5.0 django==5.1.3 flask==3.0.3 jinja2==3.1.4 oauthlib==3.2.2 \
    google-auth==2.36.0 rsa==4.9 cryptography==43.0.3 botocore==1.35.60)
fi
if [[ -z "$(ls "$work/downloads/npm")" ]]; then
  (cd "$work/downloads/npm" && npm pack --silent express@4.21.1 jsonwebtoken@9.0.2 node-forge@1.3.1 \
    ssh2@1.16.0 axios@1.7.7 lodash@4.17.21 jose@5.9.6 dotenv@16.4.5 pg@8.13.1 aws4@1.13.2 >/dev/null)
fi
if $rebuild || [[ ! -f "$work/corpus/corpus.json" ]]; then
  nice python3 "$root/bench/lib/secret_corpus.py" "$work/corpus" "$fixture" "$work/downloads"
fi

# a one-record vulnerability database: the scan needs one, the comparison is about secrets
if [[ ! -d "$work/db" ]]; then
  python3 - "$work/Debian-all.zip" <<'EOF'
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("DEBIAN-CVE-2099-0001.json", json.dumps({"id": "DEBIAN-CVE-2099-0001", "modified": "2026-01-01T00:00:00Z",
        "affected": [{"package": {"ecosystem": "Debian:12", "name": "sekisho-none"},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}))
EOF
  HOME="$work/home" "$root/sekisho" db import --db "$work/db" "$work/Debian-all.zip" >/dev/null
fi

times="$work/times.tsv"
: >"$times"
# measure NAME COMMAND...: wall, CPU (user+sys) and peak RSS of the process tree
measure() {
  local name="$1"; shift
  local t="$work/time-$name"
  /usr/bin/time -f "%e %U %S %M" -o "$t" "$@" >"$work/$name.log" 2>&1 || die "$name failed: see $work/$name.log"
  read -r wall user sys rss <"$t"
  printf '%s\t%s\t%s\t%s\n' "$name" "$wall" "$(echo "$user + $sys" | bc)" "$rss" >>"$times"
  echo "$name: ${wall} s" >&2
}
image="oci:$work/corpus/oci:corpus"
for mode in default deps; do
  rm -rf "$work/home-$mode"
  extra=()
  [[ $mode == deps ]] && extra=(--secrets-in-dependencies)
  measure "sekisho-$mode" env HOME="$work/home-$mode" XDG_CACHE_HOME="$work/home-$mode/.cache" \
    SEKISHO_JAVA_OPTS="${SEKISHO_JAVA_OPTS:--Xmx256m}" "$root/sekisho" scan --offline --db "$work/db" \
    "${extra[@]}" --format json --output "$work/sekisho-$mode.json" "$image"
done
runs=("sekisho-default:sekisho:$work/sekisho-default.json:Sekisho"
  "sekisho-deps:sekisho:$work/sekisho-deps.json:Sekisho --secrets-in-dependencies")
if [[ -x "$trivy" ]]; then
  rm -rf "$work/trivy-cache"
  measure trivy "$trivy" fs --scanners secret --format json --output "$work/trivy.json" \
    --cache-dir "$work/trivy-cache" --skip-db-update --offline-scan --quiet "$work/corpus/root"
  runs+=("trivy:trivy:$work/trivy.json:Trivy $TRIVY_VERSION")
else
  echo "Trivy is not built ($trivy): left out" >&2
fi
if [[ -x "$gitleaks" ]]; then
  measure gitleaks "$gitleaks" dir "$work/corpus/root" --report-format json --report-path "$work/gitleaks.json" \
    --exit-code 0 --no-banner --redact --log-level error
  runs+=("gitleaks:gitleaks:$work/gitleaks.json:gitleaks $GITLEAKS_VERSION")
else
  echo "gitleaks is not built ($gitleaks): left out" >&2
fi

table="$(python3 "$root/bench/lib/secret_compare.py" "$work/corpus" "$times" "${runs[@]}")"
echo "$table"
if $record; then
  corpus="$(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print(f\"{c['files']} files, {c['bytes'] >> 20} MiB\")" "$work/corpus/corpus.json")"
  {
    echo
    echo "## Secrets side by side, $(date -u '+%Y-%m-%d %H:%M') UTC ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1))"
    echo
    echo "\`bench/secrets.sh\`: corpus of $corpus (see bench/README.md); Sekisho $(git -C "$root" rev-parse --short HEAD)."
    echo
    echo "$table"
  } >>"$root/bench/RESULTS.md"
  echo "appended to bench/RESULTS.md" >&2
fi
