#!/usr/bin/env bash
# Runs the vulnerability database benchmark (bench/VulnDbBenchmark.java) against the scanner module.
# Usage: bench/run-vulndb.sh [ADVISORIES]   (default 300000); run from anywhere.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
# one reactor run: package the modules and write the scanner's runtime classpath (last module wins)
hack/mvn -q -B -ntp package dependency:build-classpath -pl scanner -am -DskipTests \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
java_home="$(hack/mvn -v | sed -n 's/.*runtime: //p')"
exec "$java_home/bin/java" -Xmx1g -cp "scanner/target/classes:$(cat "$cp_file")" \
  bench/VulnDbBenchmark.java "$@"
