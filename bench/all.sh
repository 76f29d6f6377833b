#!/usr/bin/env bash
# Reruns every benchmark of this directory (scan-vs-floor.sh, peers.sh and operator.sh append their
# results to bench/RESULTS.md; run-vulndb.sh prints its table):
# the CLI build, the peer scanners (built once), scan-vs-floor.sh, peers.sh, the vulnerability
# database benchmark and the operator benchmark (1,000 and 10,000 results). Takes about an hour
# on a quiet 2-core machine; the fixture image of the test kit must exist (see README.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
hack/mvn -q -B -ntp package -DskipTests
bench/peer-binaries.sh
bench/scan-vs-floor.sh
bench/peers.sh
bench/run-vulndb.sh
bench/operator.sh
