#!/usr/bin/env bash
# Scan speed against the physical floor, side by side in one run (see bench/README.md).
#
# Builds a large image (~1.1 GB uncompressed, two tags sharing all but the top layer: --image
# large, the default, a mixed image; --image binaries, an image of binaries), starts
# Debian's docker-registry on 127.0.0.1 (random port, temporary storage), pushes both tags with
# skopeo, imports a generated OSV data set, then measures, RUNS times each, interleaved:
#   floor-seq    fetch every layer blob over HTTP and gunzip it to /dev/null, one after the other
#   floor-par    the same, PARALLEL layers at once (the scanner's default parallelism), largest
#                blob first (as the scanner schedules them)
#   scan-cold    sekisho scan docker://…/bench/IMAGE:a, empty layer cache
#   scan-warm    the same again, layer cache filled
#   scan-b-warm  sekisho scan …/bench/IMAGE:b (shares all but its top layer with :a), cache warm
#   floor-top-b  fetch + gunzip the top layer of :b alone
#   jvm-version  sekisho version (JVM start-up, for reference)
# with wall time, CPU time (user+sys) and peak RSS from /usr/bin/time, the JVM heap bounded by
# SEKISHO_JAVA_OPTS (default -Xmx256m). Prints a table and appends it, with machine and versions,
# to bench/RESULTS.md; raw numbers and an SVG chart go to bench/results/.
#
# Needs: hack/setup.sh and a package build (hack/mvn -q -B package -DskipTests); the Debian
# fixture image of the test kit (built by the testkit ITs, see docs/testing.md).
#
# Usage: bench/scan-vs-floor.sh [--image large|binaries] [--runs N] [--parallel N] [--floor-only]
#                               [--profile] [--no-record] [--rebuild]
#   --image NAME  large (default: OS packages, jars, Go, Python, npm, data) or binaries (this
#                 machine's /usr/bin, Go binaries, JDK, /usr/lib/gcc and /usr/libexec)
#   --runs N      repetitions of each measurement (default 3; the table shows the median)
#   --parallel N  floor parallelism (default min(4, nproc), as the scanner's default)
#   --floor-only  build, push and measure the floor only (no sekisho scan)
#   --profile     also a cold and a warm scan under Java Flight Recorder: where the time goes
#   --no-record   print the table, write nothing under bench/
#   --rebuild     rebuild the image and the OSV data even when cached
# Environment: SEKISHO_BENCH_CACHE (default ~/.cache/sekisho-bench) holds the built image and the
# database; SEKISHO_JAVA_OPTS (default -Xmx256m); SEKISHO_TEST_CACHE as for the tests.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
runs=3
parallel=$(($(nproc) < 4 ? $(nproc) : 4))
floor_only=0 profile=0 record=1 rebuild=0 kind=large
while (($#)); do
  case "$1" in
    --image) kind="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --floor-only) floor_only=1; shift ;;
    --profile) profile=1; shift ;;
    --no-record) record=0; shift ;;
    --rebuild) rebuild=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "scan-vs-floor: $*" >&2; exit 1; }
for tool in docker-registry skopeo curl gzip python3 jq; do
  command -v "$tool" >/dev/null || die "$tool is missing: run hack/setup.sh"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing: run hack/setup.sh (Debian package 'time')"
command -v go >/dev/null || die "go is missing (the image carries Go binaries)"
if ((!floor_only)); then
  [[ -f "$root/task-image/target/sekisho.jar" ]] ||
    die "the CLI is not built: hack/mvn -q -B package -DskipTests"
fi

export SEKISHO_JAVA_OPTS="${SEKISHO_JAVA_OPTS:--Xmx256m}"
work="${SEKISHO_BENCH_CACHE:-$HOME/.cache/sekisho-bench}"
test_cache="${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}"
fixture_version="$(sed -n 's/.*String VERSION = "\(.*\)";.*/\1/p' \
  "$root/testkit/src/main/java/dev/sekisho/testkit/fixtures/Fixtures.java")"
fixture="$test_cache/fixtures/$fixture_version/debian"
case "$kind" in
  large|binaries) ;;
  *) die "unknown image $kind (large or binaries)" ;;
esac
image="$work/$kind-v1"
repo="bench/$kind"

# ---------------------------------------------------------------- inputs (cached between runs)
if [[ "$kind" == large && ! -f "$fixture/fixture.json" ]]; then
  die "the Debian fixture image is not built ($fixture); build it once with:
  hack/mvn -B -ntp verify -pl testkit -am -Dit.test=FixtureContentIT -Dtest=none \\
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false"
fi
if ((rebuild)) || [[ ! -f "$image/done" ]]; then
  rm -rf "$image"
  echo "building the $kind image in $image (takes minutes) ..." >&2
  JAVA_HOME="$("$root/hack/jdk.sh")" \
    python3 "$root/bench/lib/large_image.py" --kind "$kind" "$image" "$fixture/oci"
  touch "$image/done"
fi
if ((!floor_only)) && { ((rebuild)) || [[ ! -f "$image/db/done" ]]; }; then
  rm -rf "$image/osv" "$image/db"
  python3 "$root/bench/lib/osv_data.py" "$image/inventory.json" "$image/osv"
  echo "importing the OSV data set into $image/db ..." >&2
  "$root/sekisho" db import --db "$image/db" "$image/osv" >&2
  touch "$image/db/done"
fi

# ---------------------------------------------------------------- registry
# a scratch directory and a local registry on 127.0.0.1, both gone on exit
source "$root/bench/lib/local-registry.sh"
curl -sf "http://127.0.0.1:$port/v2/" >/dev/null || die "docker-registry did not start on port $port"
registry="127.0.0.1:$port"
for tag in a b; do
  skopeo copy -q --preserve-digests --dest-tls-verify=false \
    "oci:$image/oci:$tag" "docker://$registry/$repo:$tag" >&2
done
echo "registry on $registry holds $repo:a and $repo:b" >&2

manifest() {
  curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$registry/v2/$repo/manifests/$1"
}
mapfile -t layers_a < <(manifest a | jq -r '.layers[].digest')
# the parallel floor starts the largest blobs first, as the scanner does (a fair schedule for both)
mapfile -t layers_by_size < <(manifest a | jq -r '.layers | sort_by(-.size) | .[].digest')
top_b="$(manifest b | jq -r '.layers[-1].digest')"
blob_url="http://$registry/v2/$repo/blobs"

# ---------------------------------------------------------------- measurements
raw="$tmp/raw.tsv"
printf 'run\tname\twall_s\tuser_s\tsys_s\tmax_rss_kb\n' >"$raw"

# measure RUN NAME CMD... : runs CMD under /usr/bin/time; exit 0 (and 1 for a scan verdict) only
measure() {
  local run="$1" name="$2"
  shift 2
  local rc=0
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  if ((rc != 0)) && ! [[ "$name" == scan-* && "$rc" -eq 1 ]]; then
    cat "$tmp/err" >&2
    die "$name failed with exit code $rc"
  fi
  read -r wall user sys rss < <(tail -1 "$tmp/time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$name" "$wall" "$user" "$sys" "$rss" >>"$raw"
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
    'BEGIN { printf "  %-12s wall %7.2f s  cpu %7.2f s  rss %7.1f MiB\n", n, w, u + s, r / 1024 }' >&2
}

fetch_one='set -o pipefail; curl -sfS "$0" | gzip -dc >/dev/null'
export blob_url parallel fetch_one
layers_str="${layers_a[*]}"
layers_by_size_str="${layers_by_size[*]}"
export layers_str layers_by_size_str

scan_cmd() { # scan_cmd TAG: sets cmd to the sekisho command line that scans bench/IMAGE:TAG
  cmd=("$root/sekisho" scan "docker://$registry/$repo:$1" --insecure-registry "$registry" \
    --db "$image/db" --offline --format json --output "$tmp/report-$1.json")
}
export XDG_CACHE_HOME="$tmp/xdg"

echo "warming the registry's page cache (one unmeasured floor pass) ..." >&2
bash -c 'for d in $layers_str; do bash -c "$fetch_one" "$blob_url/$d"; done'
if ((!floor_only)); then
  # the launcher's class-data archives, as after installation (see ./sekisho): one unmeasured scan
  # and one `version` create them; each cold scan below still starts with an empty layer cache
  export SEKISHO_CDS_DIR="$tmp/jvm"
  echo "creating the JVM's class-data archives (one unmeasured scan of :b) ..." >&2
  scan_cmd b
  "${cmd[@]}" >/dev/null 2>&1 || true
  "$root/sekisho" version >/dev/null
  rm -rf "$XDG_CACHE_HOME"
fi
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq "$runs"); do
  echo "run $run/$runs" >&2
  measure "$run" floor-seq bash -c 'for d in $layers_str; do bash -c "$fetch_one" "$blob_url/$d"; done'
  measure "$run" floor-par bash -c 'printf "$blob_url/%s\n" $layers_by_size_str | xargs -P "$parallel" -n 1 bash -c "$fetch_one"'
  measure "$run" floor-top-b bash -c "$fetch_one" "$blob_url/$top_b"
  if ((!floor_only)); then
    rm -rf "$XDG_CACHE_HOME"
    scan_cmd a
    measure "$run" scan-cold "${cmd[@]}"
    measure "$run" scan-warm "${cmd[@]}"
    scan_cmd b
    measure "$run" scan-b-warm "${cmd[@]}"
    measure "$run" jvm-version "$root/sekisho" version
  fi
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

summary_json="$tmp/summary.json"
if ((!floor_only)) && [[ -f "$tmp/report-a.json" ]]; then
  # what the scan found, beside the number of generated advisories that affect the image (more
  # findings than that are expected: one Debian source advisory applies to each of its binaries)
  jq --slurpfile osv "$image/osv/expected.json" \
    '.summary + {vulnerabilities: (.vulnerabilities | length), warnings: (.warnings | length),
     generated_affecting_advisories: ($osv[0].affecting_records_by_ecosystem | add)}' \
    "$tmp/report-a.json" >"$summary_json" 2>/dev/null || echo '{}' >"$summary_json"
else
  echo '{}' >"$summary_json"
fi

profile_txt=""
if ((profile && !floor_only)); then
  # one cold scan of :a and one warm scan of :b under Java Flight Recorder (not measured)
  jdk="$("$root/hack/jdk.sh")"
  profile_txt="$tmp/profile.txt"
  rm -rf "$XDG_CACHE_HOME"
  for what in cold:a warm:b; do
    echo "profiling a ${what%%:*} scan of :${what#*:} with Java Flight Recorder ..." >&2
    jfr_file="$tmp/scan-${what%%:*}.jfr"
    scan_cmd "${what#*:}"
    SEKISHO_JAVA_OPTS="$SEKISHO_JAVA_OPTS -XX:StartFlightRecording=filename=$jfr_file,settings=profile" \
      "${cmd[@]}" >/dev/null 2>"$tmp/profile.err" || true
    [[ -f "$jfr_file" ]] || die "no flight recording was written: $(tail -5 "$tmp/profile.err")"
    "$jdk/bin/jfr" print --json --stack-depth 64 \
      --events jdk.ExecutionSample,jdk.NativeMethodSample "$jfr_file" >"$tmp/jfr.json"
    {
      echo "### ${what%%:*} scan of :${what#*:}"
      python3 "$root/bench/lib/jfr_summary.py" "$tmp/jfr.json"
      "$jdk/bin/jfr" view --width 120 gc-pauses "$jfr_file" | grep -E 'Total|Number' || true
      echo
    } >>"$profile_txt"
  done
  cat "$profile_txt" >&2
fi

# ---------------------------------------------------------------- machine, versions, report
jdk="$("$root/hack/jdk.sh")"
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "load_before=$load_before"
  echo "load_after=$load_after"
  echo "jdk=$("$jdk/bin/java" -version 2>&1 | head -1)"
  echo "java_opts=$SEKISHO_JAVA_OPTS"
  echo "sekisho=$( ((floor_only)) && echo '(not run)' || "$root/sekisho" version 2>/dev/null | head -1)"
  echo "commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "registry=$(docker-registry --version 2>/dev/null | head -1)"
  echo "skopeo=$(skopeo --version | head -1)"
  echo "curl=$(curl --version | head -1 | cut -d' ' -f1-2)"
  echo "gzip=$(gzip --version | head -1)"
  echo "parallel=$parallel"
  echo "image=$repo"
  echo "runs=$runs"
} >"$tmp/meta.txt"

python3 "$root/bench/lib/report.py" --raw "$raw" --meta "$tmp/meta.txt" --layers "$image/layers.tsv" \
  --summary "$summary_json" ${profile_txt:+--profile "$profile_txt"} \
  $( ((record)) && echo "--record $root/bench" )
