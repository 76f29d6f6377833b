#!/usr/bin/env bash
# Regenerates the Python fixture (run from this directory):
#  - usr/lib/python3/dist-packages: metadata of a few packages installed by Debian's python3-*
#    packages on this machine (egg-info directories with PKG-INFO, and dist-info with METADATA);
#  - app/site-packages: `pip install --target` of two small packages from PyPI;
# keeping only the metadata files, and records importlib.metadata's view of both directories.
set -euo pipefail
rm -rf usr app
deb=usr/lib/python3/dist-packages
mkdir -p "$deb"
for d in PyJWT-2.6.0.egg-info argcomplete-2.0.0.egg-info PyYAML-6.0.dist-info blinker-1.5.dist-info; do
  mkdir -p "$deb/$d"
  for f in PKG-INFO METADATA; do
    [[ -f "/usr/lib/python3/dist-packages/$d/$f" ]] && cp "/usr/lib/python3/dist-packages/$d/$f" "$deb/$d/"
  done
done
pip3 install --quiet --no-deps --disable-pip-version-check --target app/site-packages \
  six==1.16.0 idna==3.7 >/dev/null
find app/site-packages -type f ! -name METADATA -delete
find app/site-packages -type d -empty -delete
python3 - "$deb" app/site-packages > expected.txt <<'PY'
import importlib.metadata as m, sys
for d in sorted(m.distributions(path=sys.argv[1:]), key=lambda d: d.metadata["Name"]):
    print(d.metadata["Name"], d.version)
PY
