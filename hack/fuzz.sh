#!/usr/bin/env bash
# Runs the fuzz tests (*FuzzTest) in fuzzing mode: each for SECONDS (default 5), one after the
# other, each in its own JVM. Without arguments after SECONDS every fuzz test runs; otherwise only
# the named classes (e.g. hack/fuzz.sh 120 TarReaderFuzzTest JavaArchiveFuzzTest).
#
# A crash fails the run; Jazzer writes the input to the test's Inputs directory under
# src/test/resources (see docs/testing.md, "Fuzzing"), where it becomes a regression input.
# The corpus a run grows is kept in <module>/.cifuzz-corpus/ (not committed) and reused next time.
# Extra Maven arguments may be passed in MAVEN_ARGS (e.g. MAVEN_ARGS=-o).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

seconds="${1:-5}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -lt 1 ]]; then
  echo "usage: hack/fuzz.sh [SECONDS] [FuzzTestClass...]" >&2
  exit 2
fi
if [[ $# -gt 0 ]]; then
  tests="$(IFS=,; echo "$*")"
else
  tests='*FuzzTest'
fi

cd "$root"
start=$SECONDS
# JAZZER_FUZZ activates the fuzz profile (pom.xml): instrumentation on, one JVM per test class,
# @Timeout as the per-input timeout. jazzer.max_duration overrides each test's maxDuration.
# shellcheck disable=SC2086
JAZZER_FUZZ=1 "$root/hack/mvn" -B -ntp ${MAVEN_ARGS:-} -pl scanner,operator -am test \
  -Dtest="$tests" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.max_duration="${seconds}s"
echo "fuzz: every selected fuzz test ran ${seconds}s without a finding ($((SECONDS - start))s in all)"
