#!/usr/bin/env bash
# Admission webhook benchmark (bench/AdmissionBenchmark.java): decision latency p50/p99 with N
# ScanResults cached (default 10,000), and a whole AdmissionReview over HTTPS on 127.0.0.1.
# Prints the BENCH lines and, unless --no-record, appends them with the machine and load average
# to bench/RESULTS.md.
#
# Usage: bench/admission.sh [--no-record] [N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
record=1
[[ "${1:-}" == --no-record ]] && { record=0; shift; }
n="${1:-10000}"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
hack/mvn -q -B -ntp -o compile dependency:build-classpath -pl operator -am \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >&2
java_home="$(hack/mvn -v | sed -n 's/.*runtime: //p')"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
# WARN: the webhook's one INFO line per denial would time the terminal, not the decision
out="$(SEKISHO_LOG_LEVEL=WARN "$java_home/bin/java" -Xmx1g -cp "operator/target/classes:$(cat "$cp_file")" \
  bench/AdmissionBenchmark.java "$n")"
echo "$out"
echo "load average before: $load"
if ((record)); then
  {
    echo
    echo "### admission.sh, $(date -u +%Y-%m-%dT%H:%MZ): $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), load average before $load, -Xmx1g (AdmissionBenchmark.java: decisions in process; HTTPS: one kept-alive connection on 127.0.0.1)"
    echo
    grep '^BENCH' <<<"$out" | sed 's/^/- `/; s/$/`/'
  } >>bench/RESULTS.md
fi
