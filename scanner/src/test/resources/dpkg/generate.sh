#!/usr/bin/env bash
# Regenerates the dpkg fixtures with the real dpkg tools (run from this directory):
#  - status-subset: the first 40 package records of this machine's dpkg status database;
#  - status.d-base-files: this machine's base-files record without its Status line, the way
#    distroless images keep one file per package under var/lib/dpkg/status.d/;
#  - status-removed + expected-removed.txt: a fresh admin directory where dpkg installed two tiny
#    packages and then removed one of them (which leaves it in "deinstall ok config-files"),
#    with dpkg-query's view of that database for comparison.
set -euo pipefail
here="$(pwd)"
awk 'BEGIN{RS="";ORS="\n\n"} NR<=40' /var/lib/dpkg/status > status-subset
dpkg-query --admindir=/var/lib/dpkg -W -f '${Package} ${Version}\n' \
  $(awk '/^Package:/{print $2}' status-subset) > expected-subset.txt

awk 'BEGIN{RS="";ORS="\n\n"} /^Package: base-files\n/' /var/lib/dpkg/status \
  | grep -v '^Status:' > status.d-base-files
echo "base-files $(dpkg-query -W -f '${Version}' base-files)" > expected-status.d.txt

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
root="$tmp/root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
for p in sekisho-keep sekisho-gone; do
  d="$tmp/$p"
  mkdir -p "$d/DEBIAN" "$d/etc/$p"
  echo "setting=1" > "$d/etc/$p/$p.conf"
  echo "/etc/$p/$p.conf" > "$d/DEBIAN/conffiles"
  cat > "$d/DEBIAN/control" <<CONTROL
Package: $p
Version: 1:2.0-3
Source: sekisho-src (2.0-1)
Architecture: all
Maintainer: Sekisho <dev@sekisho.invalid>
Description: fixture package $p
 Built by generate.sh to exercise the dpkg analyzer.
CONTROL
  dpkg-deb --root-owner-group -b "$d" "$tmp/$p.deb" >/dev/null
done
dpkg --force-not-root --force-script-chrootless --root="$root" --log=/dev/null \
  -i "$tmp/sekisho-keep.deb" "$tmp/sekisho-gone.deb" >/dev/null
dpkg --force-not-root --force-script-chrootless --root="$root" --log=/dev/null -r sekisho-gone >/dev/null
cp "$root/var/lib/dpkg/status" "$here/status-removed"
dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${Package} ${Version} ${db:Status-Abbrev}\n' \
  > "$here/expected-removed.txt"
