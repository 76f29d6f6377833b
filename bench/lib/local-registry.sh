# Sourced by the benchmark scripts: makes a scratch directory $tmp (deleted on exit) and starts
# Debian's docker-registry on a free port of 127.0.0.1 ($port), stopped on exit. The sourcing
# script defines die().
tmp="$(mktemp -d)"
registry_pid=""
cleanup() {
  local rc=$?
  if [[ -n "$registry_pid" ]]; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$tmp/registry.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $tmp/storage
http:
  addr: 127.0.0.1:$port
  secret: sekisho-bench
EOF
docker-registry serve "$tmp/registry.yml" >"$tmp/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/v2/" >/dev/null && break
  kill -0 "$registry_pid" 2>/dev/null || die "docker-registry exited: $(tail -5 "$tmp/registry.log")"
  sleep 0.1
done
