#!/usr/bin/env bash
# CLI start-up, side by side (issue 23): `java -version`, then `sekisho version` and a scan of the
# test kit's Alpine fixture layout (warm layer cache, a one-advisory database) with no archive,
# the dynamic CDS archive (JDK 21-24 launcher) and the AOT cache (JDK 25+ launcher), interleaved.
# Each variant runs the JVM with the launcher's options; archives are made by one training run.
# Usage: bench/startup.sh [RUNS] (default 9). Needs hack/mvn package and the Alpine fixture
# (FixtureContentIT). Prints Markdown tables; raw numbers go to bench/results/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-9}"
jdk="$("$root/hack/jdk.sh")"
jar="$root/task-image/target/sekisho.jar"
layout="${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}/fixtures/1/alpine/oci"
[[ -f "$jar" && -d "$layout" ]] || { echo "startup.sh: build the jar and the Alpine fixture first" >&2; exit 2; }
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/cache"
mkdir -p "$work/osv"
echo '{"schema_version":"1.6.0","id":"CVE-2099-0001","modified":"2026-01-01T00:00:00Z","affected":[{"package":{"ecosystem":"Alpine:v3.20","name":"musl"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"99.0"}]}]}]}' >"$work/osv/a.json"
o="-Xlog:disable -Xlog:all=warning:stderr -Xlog:aot*=off:stderr -Xlog:cds*=off:stderr -Xmx512m -XX:+UseSerialGC -XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile=$root/task-image/src/main/jib/app/jit-directives.json -XX:-DisplayVMOutput"
java="$jdk/bin/java"
$java $o -jar "$jar" db import "$work/osv" >/dev/null
scan="scan oci:$layout --offline --skip-db-update -f summary -q"
$java $o -jar "$jar" $scan >/dev/null # fills the layer cache
for m in version scan; do
  args="version"; [[ $m == scan ]] && args="$scan"
  $java $o -XX:ArchiveClassesAtExit="$work/$m.jsa" -jar "$jar" $args >/dev/null
  $java $o -XX:AOTMode=record -XX:AOTConfiguration="$work/$m.conf" -jar "$jar" $args >/dev/null
  $java $o -XX:AOTMode=create -XX:AOTConfiguration="$work/$m.conf" -XX:AOTCache="$work/$m.aot" -cp "$jar" >/dev/null 2>&1
done
stamp="$(date -u +%Y%m%dT%H%MZ)"
echo "load before: $(uptime)"
"$root/bench/lib/ab.sh" "$runs" "$root/bench/results/$stamp-startup-version.tsv" \
  java-version "$java -version" \
  none "$java $o -jar $jar version" \
  cds "$java $o -XX:SharedArchiveFile=$work/version.jsa -jar $jar version" \
  aot "$java $o -XX:AOTCache=$work/version.aot -jar $jar version"
"$root/bench/lib/ab.sh" "$runs" "$root/bench/results/$stamp-startup-scan.tsv" \
  none "$java $o -jar $jar $scan" \
  cds "$java $o -XX:SharedArchiveFile=$work/scan.jsa -jar $jar $scan" \
  aot "$java $o -XX:AOTCache=$work/scan.aot -jar $jar $scan"
echo "load after: $(uptime)"
