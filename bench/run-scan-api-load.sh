#!/usr/bin/env bash
# The scan API's matching under load (bench/ScanApiLoadBenchmark.java) against the scanner module.
# Usage: bench/run-scan-api-load.sh [ADVISORIES [SUBMISSIONS [THREADS [ROUNDS]]]]
#   (default 60000 50 8 3); SEKISHO_BENCH_HEAP sets -Xmx (default 512m, the operator's heap).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
hack/mvn -q -B -ntp package dependency:build-classpath -pl scanner -am -DskipTests \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
java_home="$(hack/mvn -v | sed -n 's/.*runtime: //p')"
exec "$java_home/bin/java" "-Xmx${SEKISHO_BENCH_HEAP:-512m}" \
  -cp "${SEKISHO_BENCH_CLASSES:-scanner/target/classes}:$(cat "$cp_file")" \
  bench/ScanApiLoadBenchmark.java "$@"
