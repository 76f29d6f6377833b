#!/usr/bin/env bash
# Installs what building and testing Sekisho needs on a fresh Debian/Ubuntu machine:
# the OCI tooling used by the test harness (docker-registry, skopeo, umoci, runc, debootstrap, htpasswd,
# rpm), the tools of bench/ (GNU time, jq, curl), a static busybox (the shell image of Tekton's
# script steps, built by the test kit's TektonImages), what the real single-node test cluster runs
# on (containerd, runc, the CNI plugins, iptables, conntrack), then builds the Kubernetes test
# binaries (hack/test-binaries.sh), the node's binaries (hack/node-binaries.sh), the test tools
# (hack/tool-binaries.sh) and Tekton's controller and image binaries for the end-to-end tests
# (hack/tekton-binaries.sh) when they are missing.
# Needs root (or sudo) for apt-get; a JDK 21+ and Go 1.24+ must already be installed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
packages=(docker-registry skopeo umoci runc debootstrap apache2-utils rpm sqlite3 ca-certificates db5.3-util time jq curl binutils openssl busybox-static
  containerd containernetworking-plugins iptables conntrack iproute2 util-linux)
# The LANGUAGES fixture image runs npm and pip; install them only when the commands are missing
# (a Node.js installed from elsewhere already brings its own npm).
command -v npm >/dev/null || packages+=(npm)
python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""
  [[ "$(id -u)" -eq 0 ]] || SUDO="sudo"
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian registry and containerd packages enable system services; the tests start their own
# instances (the test cluster's containerd has its own config, socket and state).
for service in docker-registry containerd; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$service" 2>/dev/null; then
    systemctl stop "$service" || true
  fi
done

"$root/hack/test-binaries.sh"
"$root/hack/node-binaries.sh"
"$root/hack/tool-binaries.sh"
"$root/hack/tekton-binaries.sh"
