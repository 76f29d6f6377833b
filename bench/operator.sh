#!/usr/bin/env bash
# Operator benchmark: a policy edit re-evaluates N ScanResults on a real kube-apiserver + etcd
# (PolicyEditBenchIT), for N = 1,000 and 10,000 by default, the test JVM's heap capped at 512 MiB
# (the goal for 10,000 results). Prints the BENCH lines and, unless --no-record, appends them
# with the machine to bench/RESULTS.md.
#
# Usage: bench/operator.sh [--no-record] [N...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
record=1
[[ "${1:-}" == --no-record ]] && { record=0; shift; }
counts=("$@")
((${#counts[@]})) || counts=(1000 10000)
lines=()
for n in "${counts[@]}"; do
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  hack/mvn -q -B -ntp verify -pl operator -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=PolicyEditBenchIT -Dfailsafe.failIfNoSpecifiedTests=false -Dsekisho.bench.results="$n" \
    -DargLine=-Xmx512m >&2
  line="$(grep -h '^BENCH policy-edit' operator/target/failsafe-reports/*PolicyEditBenchIT-output.txt)"
  echo "$line (load before: $load)"
  lines+=("$(date -u +%Y-%m-%dT%H:%MZ) load $load: $line")
done
if ((record)); then
  {
    echo
    echo "### operator.sh, $(date -u +%Y-%m-%d): $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), -Xmx512m"
    echo
    printf -- '- `%s`\n' "${lines[@]}"
  } >>bench/RESULTS.md
fi
