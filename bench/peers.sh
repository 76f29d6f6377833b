#!/usr/bin/env bash
# Sekisho side by side with the floor and peer scanners, on the same images and the same OSV data,
# in one run per input (see bench/README.md).
#
# Inputs (built once, cached in ${SEKISHO_BENCH_CACHE:-~/.cache/sekisho-bench}):
#   debian  the test kit's Debian 12 minbase fixture image (1 layer, ~200 MB)
#   large   bench/large:a of scan-vs-floor.sh (~1.1 GB uncompressed, 8 layers)
#   set     30 images sharing their two base layers (lib/image_set.py), scanned one after another
# All are pushed to Debian's docker-registry on 127.0.0.1 (random port, temporary storage). One
# OSV data set (lib/osv_data.py, the large image's) serves every tool: Sekisho imports it with
# `sekisho db import`, osv-scanner reads the same all.zip archives as its offline local database.
#
# Measured once per input, one after the other, under /usr/bin/time (wall, user+sys CPU, peak RSS):
#   floor          fetch every layer blob over HTTP and gunzip it to /dev/null, PARALLEL at once
#                  (set: every image's layers, as a scanner without a layer cache must)
#   floor-unique   (set only) each distinct blob once: what a perfect layer cache reads
#   sekisho-cold   sekisho scan docker://… --offline, empty layer cache
#   sekisho-warm   the same again (set: the cache filled by the cold pass)
#   syft           syft scan registry:… -o syft-json (inventory only: Syft has no vulnerability data)
#   export         skopeo copy docker://… docker-archive:… (osv-scanner v2 reads images only from a
#                  `docker save` tarball or through a Docker daemon: this is its input's cost)
#   osv-scanner    osv-scanner scan image --archive TAR --offline --local-db-path … (same OSV data)
#   trivy-cold/-warm  trivy image --format cyclonedx (inventory; the vulnerability DB cannot be
#                  downloaded here), with its own layer cache empty, then filled; jars are skipped
#                  (Trivy reads no jar without its Java index database, which cannot be downloaded)
#   grype          grype registry:… (needs its own database, which cannot be downloaded: recorded
#                  as what it says)
# Peers missing from the tool cache are skipped (build them with bench/peer-binaries.sh).
# Then compares the package sets (Sekisho, Syft, osv-scanner, Trivy) and the findings (Sekisho vs
# osv-scanner) per input (lib/compare.py), prints the tables and, unless --no-record, appends
# them with machine and versions to bench/RESULTS.md; raw numbers, the comparison and an SVG
# chart go to bench/results/.
#
# Usage: bench/peers.sh [--inputs debian,large,set] [--tools sekisho,syft,osv-scanner,trivy,grype]
#                      [--set-size N] [--parallel N] [--no-record]
#   (the floor is always measured; --tools limits the rest)
# Environment: SEKISHO_BENCH_CACHE, SEKISHO_TEST_CACHE, SEKISHO_JAVA_OPTS (default -Xmx256m),
#   SEKISHO_CLI (default ./sekisho of this checkout), SEKISHO_CLI_COMMIT (the commit it was built from).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
inputs="debian,large,set"
tools="sekisho,syft,osv-scanner,trivy,grype"
set_size=30
parallel=$(($(nproc) < 4 ? $(nproc) : 4))
record=1
while (($#)); do
  case "$1" in
    --inputs) inputs="$2"; shift 2 ;;
    --tools) tools="$2"; shift 2 ;;
    --set-size) set_size="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --no-record) record=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "peers: $*" >&2; exit 1; }
for tool in docker-registry skopeo curl gzip python3 jq go; do
  command -v "$tool" >/dev/null || die "$tool is missing: run hack/setup.sh"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing: run hack/setup.sh (Debian package 'time')"
sekisho="${SEKISHO_CLI:-$root/sekisho}"
"$sekisho" version >/dev/null 2>&1 || die "the CLI does not run ($sekisho): hack/mvn -q -B package -DskipTests"

export SEKISHO_JAVA_OPTS="${SEKISHO_JAVA_OPTS:--Xmx256m}"
work="${SEKISHO_BENCH_CACHE:-$HOME/.cache/sekisho-bench}"
test_cache="${SEKISHO_TEST_CACHE:-$HOME/.cache/sekisho-test}"
fixture_version="$(sed -n 's/.*String VERSION = "\(.*\)";.*/\1/p' \
  "$root/testkit/src/main/java/dev/sekisho/testkit/fixtures/Fixtures.java")"
fixture="$test_cache/fixtures/$fixture_version/debian"
large="$work/large-v1"
set_dir="$work/set-v$set_size"

# peers: name -> binary (the versions bench/peer-binaries.sh builds)
declare -A peer
for p in "$work"/tools/*/; do
  name="$(basename "$p")"
  if [[ -x "$p${name%-v*}" && ",$tools," == *",${name%-v*},"* ]]; then peer[${name%-v*}]="$p${name%-v*}"; fi
done
found="${!peer[*]}"
echo "peers found: ${found:-none} (bench/peer-binaries.sh builds them)" >&2

# ---------------------------------------------------------------- inputs (cached between runs)
[[ -f "$fixture/fixture.json" ]] || die "the Debian fixture image is not built ($fixture); build it once with:
  hack/mvn -B -ntp verify -pl testkit -am -Dit.test=FixtureContentIT -Dtest=none \\
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false"
if [[ ! -f "$large/done" ]]; then
  echo "building the large image in $large (takes minutes) ..." >&2
  rm -rf "$large"
  python3 "$root/bench/lib/large_image.py" "$large" "$fixture/oci"
  touch "$large/done"
fi
if [[ ! -f "$large/db/done" ]]; then
  rm -rf "$large/osv" "$large/db"
  python3 "$root/bench/lib/osv_data.py" "$large/inventory.json" "$large/osv"
  "$sekisho" db import --db "$large/db" "$large/osv" >&2
  touch "$large/db/done"
fi
if [[ ",$inputs," == *,set,* && ! -f "$set_dir/done" ]]; then
  rm -rf "$set_dir"
  python3 "$root/bench/lib/image_set.py" "$set_dir" "$large" "$set_size"
  touch "$set_dir/done"
fi
# osv-scanner's offline database: <local-db-path>/osv-scalibr/<ecosystem>/all.zip, the same archives
osvdb="$work/osv-scanner-db"
rm -rf "$osvdb" && mkdir -p "$osvdb/osv-scalibr"
for z in "$large"/osv/*-all.zip; do
  eco="$(basename "$z" -all.zip)"
  mkdir -p "$osvdb/osv-scalibr/$eco" && ln "$z" "$osvdb/osv-scalibr/$eco/all.zip"
done

# ---------------------------------------------------------------- registry
# a scratch directory and a local registry on 127.0.0.1, both gone on exit
source "$root/bench/lib/local-registry.sh"
registry="127.0.0.1:$port"

# refs per input: "oci-layout-dir:tag repository:tag" pairs
declare -A refs
refs[debian]="$fixture/oci:12-minbase bench/debian:12"
refs[large]="$large/oci:a bench/large:a"
set_refs=""
for i in $(seq 0 $((set_size - 1))); do
  t="$(printf 's%02d' "$i")"
  set_refs+=" $set_dir/oci:$t bench/set:$t"
done
refs[set]="$set_refs"
IFS=, read -ra input_list <<<"$inputs"
for input in "${input_list[@]}"; do
  [[ -n "${refs[$input]:-}" ]] || die "unknown input: $input (debian, large, set)"
  read -ra pairs <<<"${refs[$input]}"
  for ((k = 0; k < ${#pairs[@]}; k += 2)); do
    skopeo copy -q --preserve-digests --dest-tls-verify=false \
      "oci:${pairs[k]}" "docker://$registry/${pairs[k + 1]}" >&2
  done
done
echo "registry on $registry holds the inputs" >&2

# ---------------------------------------------------------------- measurements
raw="$tmp/raw.tsv"
printf 'input\tname\twall_s\tuser_s\tsys_s\tmax_rss_kb\texit\n' >"$raw"
out="$tmp/out"
mkdir -p "$out"

# measure INPUT NAME OKCODES CMD...: runs CMD under /usr/bin/time, records it; exit codes outside
# OKCODES (space separated) are recorded with the tool's last message and do not stop the run
measure() {
  local input="$1" name="$2" ok="$3"
  shift 3
  local rc=0
  echo "  $input $name ..." >&2
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >"$out/$input-$name.stdout" 2>"$out/$input-$name.stderr" || rc=$?
  read -r wall user sys rss < <(tail -1 "$tmp/time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$input" "$name" "$wall" "$user" "$sys" "$rss" "$rc" >>"$raw"
  if [[ " $ok " != *" $rc "* ]]; then
    echo "    $name exited $rc: $(grep -v '^\s*$' "$out/$input-$name.stderr" | tail -3)" >&2
  fi
  awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
    'BEGIN { printf "    wall %7.2f s  cpu %7.2f s  rss %7.1f MiB\n", w, u + s, r / 1024 }' >&2
}

# helpers run as child processes (so /usr/bin/time sees them): each takes the input's repository refs
cat >"$tmp/floor.sh" <<'EOF'
#!/usr/bin/env bash
# floor.sh PARALLEL unique|all REPO:TAG...: fetch + gunzip the layers of the images to /dev/null
set -euo pipefail
par="$1" mode="$2"; shift 2
for ref in "$@"; do
  repo="${ref%:*}" tag="${ref##*:}"
  curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REGISTRY/v2/$repo/manifests/$tag" |
    jq -r --arg u "http://$REGISTRY/v2/$repo/blobs/" '.layers[].digest | $u + .'
done | { if [[ "$mode" == unique ]]; then awk -F/ '!seen[$NF]++'; else cat; fi; } |
  xargs -P "$par" -n 1 bash -c 'set -o pipefail; curl -sfS "$0" | gzip -dc >/dev/null'
EOF
cat >"$tmp/each.sh" <<'EOF'
#!/usr/bin/env bash
# each.sh INPUT TOOL REPO:TAG...: runs one tool on every image, one after the other; the first
# image's report is kept as $OUT/INPUT-TOOL.json
set -uo pipefail
input="$1" tool="$2"; shift 2
rc=0 n=0
for ref in "$@"; do
  report="$OUT/$input-$tool.json"
  ((n++)) && report="$TMPD/discard.json"
  name="$(echo "$ref" | tr '/:' '__')"
  case "$tool" in
    sekisho-*)
      "$SEKISHO" scan "docker://$REGISTRY/$ref" --insecure-registry "$REGISTRY" --db "$DB" --offline \
        --quiet --format json --output "$report" || rc=$? ;;
    syft)
      SYFT_REGISTRY_INSECURE_USE_HTTP=true "$SYFT" scan -q "registry:$REGISTRY/$ref" -o "syft-json=$report" || rc=$? ;;
    export)
      rm -f "$TMPD/archive-$name.tar"
      skopeo copy -q --src-tls-verify=false "docker://$REGISTRY/$ref" "docker-archive:$TMPD/archive-$name.tar:$ref" || rc=$? ;;
    osv-scanner)
      "$OSV_SCANNER" scan image --archive "$TMPD/archive-$name.tar" --offline --local-db-path "$OSVDB" --all-packages --all-vulns \
        --format json --output-file "$report"; r=$?; ((r == 0 || r == 1)) || rc=$r
      rm -f "$TMPD/archive-$name.tar" ;;
    trivy-*)
      # jars skipped: offline, Trivy has no Java index database and refuses to read any jar without it
      "$TRIVY" image -q --image-src remote --insecure --cache-dir "$TMPD/trivy-cache" --skip-db-update \
        --skip-java-db-update --offline-scan --skip-files '**/*.jar' --skip-files '**/*.war' \
        --skip-files '**/*.ear' --format cyclonedx --output "$report" "$REGISTRY/$ref" || rc=$? ;;
    grype)
      GRYPE_REGISTRY_INSECURE_USE_HTTP=true GRYPE_DB_AUTO_UPDATE=false GRYPE_DB_CACHE_DIR="$TMPD/grype-db" \
        "$GRYPE" -q "registry:$REGISTRY/$ref" -o json --file "$report" || rc=$? ;;
  esac
  ((rc == 0)) || exit "$rc"
done
EOF
chmod +x "$tmp/floor.sh" "$tmp/each.sh"
export REGISTRY="$registry" OUT="$out" TMPD="$tmp" SEKISHO="$sekisho" DB="$large/db" OSVDB="$osvdb"
export SYFT="${peer[syft]:-}" OSV_SCANNER="${peer[osv-scanner]:-}" TRIVY="${peer[trivy]:-}" GRYPE="${peer[grype]:-}"
export SYFT_CHECK_FOR_APP_UPDATE=false GRYPE_CHECK_FOR_APP_UPDATE=false

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
for input in "${input_list[@]}"; do
  read -ra pairs <<<"${refs[$input]}"
  images=()
  for ((k = 1; k < ${#pairs[@]}; k += 2)); do images+=("${pairs[k]}"); done
  echo "$input: ${#images[@]} image(s); warming the registry's page cache (unmeasured floor pass)" >&2
  "$tmp/floor.sh" "$parallel" unique "${images[@]}"
  measure "$input" floor 0 "$tmp/floor.sh" "$parallel" all "${images[@]}"
  ((${#images[@]} > 1)) && measure "$input" floor-unique 0 "$tmp/floor.sh" "$parallel" unique "${images[@]}"
  export XDG_CACHE_HOME="$tmp/xdg-$input"
  if [[ ",$tools," == *,sekisho,* ]]; then
    if [[ -z "${SEKISHO_CDS_DIR:-}" ]]; then
      # the launcher's class-data archives, as after installation (see ./sekisho): created by one
      # unmeasured scan, kept for every input; each cold scan still starts with an empty layer cache
      export SEKISHO_CDS_DIR="$tmp/jvm"
      echo "$input: creating the JVM's class-data archives (one unmeasured scan)" >&2
      "$tmp/each.sh" "$input" sekisho-cold "${images[0]}" >/dev/null 2>&1 || true
      rm -rf "$XDG_CACHE_HOME"
    fi
    measure "$input" sekisho-cold 0 "$tmp/each.sh" "$input" sekisho-cold "${images[@]}"
    measure "$input" sekisho-warm 0 "$tmp/each.sh" "$input" sekisho-warm "${images[@]}"
  fi
  [[ -n "$SYFT" ]] && measure "$input" syft 0 "$tmp/each.sh" "$input" syft "${images[@]}"
  if [[ -n "$OSV_SCANNER" ]]; then
    if ((${#images[@]} == 1)); then
      measure "$input" export 0 "$tmp/each.sh" "$input" export "${images[@]}"
      measure "$input" osv-scanner 0 "$tmp/each.sh" "$input" osv-scanner "${images[@]}"
    else # one archive at a time (30 uncompressed archives would not fit comfortably on disk)
      : >"$tmp/set-times"
      for ref in "${images[@]}"; do
        measure "$input" export-1 0 "$tmp/each.sh" "$input" export "$ref"
        measure "$input" osv-scanner-1 0 "$tmp/each.sh" "$input" osv-scanner "$ref"
        [[ -f "$out/$input-osv-scanner.json" && ! -f "$out/$input-osv-scanner.first" ]] &&
          mv "$out/$input-osv-scanner.json" "$out/$input-osv-scanner.first"
      done
      [[ -f "$out/$input-osv-scanner.first" ]] && mv "$out/$input-osv-scanner.first" "$out/$input-osv-scanner.json"
    fi
  fi
  if [[ -n "$TRIVY" ]]; then
    measure "$input" trivy-cold 0 "$tmp/each.sh" "$input" trivy-cold "${images[@]}"
    measure "$input" trivy-warm 0 "$tmp/each.sh" "$input" trivy-warm "${images[@]}"
    rm -rf "$tmp/trivy-cache"
  fi
  [[ -n "$GRYPE" ]] && measure "$input" grype 0 "$tmp/each.sh" "$input" grype "${images[0]}"
  rm -rf "$XDG_CACHE_HOME"
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- machine, versions, report
version_of() { # the first "version" line of TOOL ARGS, reduced to its value
  [[ -n "$1" ]] || { echo "(not built)"; return; }
  "$@" 2>/dev/null | grep -m1 -iE 'version' | sed -E 's/.*[Vv]ersion:?[[:space:]]*//'
}
{
  echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc=$(nproc)"
  echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel=$(uname -r)"
  echo "load_before=$load_before"
  echo "load_after=$load_after"
  echo "java_opts=$SEKISHO_JAVA_OPTS"
  echo "sekisho=$("$sekisho" version 2>/dev/null | head -1)"
  echo "commit=${SEKISHO_CLI_COMMIT:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
  echo "syft=$(version_of "$SYFT" version)"
  echo "osv-scanner=$(version_of "$OSV_SCANNER" --version)"
  echo "trivy=$(version_of "$TRIVY" --version)"
  echo "grype=$(version_of "$GRYPE" version)"
  echo "registry=$(docker-registry --version 2>/dev/null | head -1)"
  echo "skopeo=$(skopeo --version | head -1)"
  echo "parallel=$parallel"
  echo "set_size=$set_size"
} >"$tmp/meta.txt"

for input in "${input_list[@]}"; do
  python3 "$root/bench/lib/compare.py" --input "$input" --out "$out" >"$out/$input-compare.md" ||
    echo "comparison of $input failed" >&2
done
awk -F'\t' 'NR == 1 || $1 == "1"' "$large/layers.tsv" >"$tmp/debian-layers.tsv" # its only layer
awk -F'\t' '$1 != "top-b"' "$large/layers.tsv" >"$tmp/large-layers.tsv"
python3 "$root/bench/lib/peers_report.py" --raw "$raw" --meta "$tmp/meta.txt" --out "$out" \
  --inputs "$inputs" --layers "debian=$tmp/debian-layers.tsv" --layers "large=$tmp/large-layers.tsv" \
  --layers "set=$set_dir/layers.tsv" $( ((record)) && echo "--record $root/bench" )
