#!/usr/bin/env bash
# Regenerates the npm fixture with the real npm client (run from this directory): installs a few
# small packages from the npm registry into app/ (one of them scoped, one a dev dependency, one
# that pulls a second version of a package into a nested node_modules), keeps package.json files
# and the lockfile, and records npm's own list of what is installed.
set -euo pipefail
rm -rf app && mkdir app && cd app
cat > package.json <<'JSON'
{ "name": "fixture-app", "version": "1.0.0", "private": true }
JSON
npm install --no-audit --no-fund --ignore-scripts --save-exact is-odd@3.0.1 is-number@7.0.0 \
  @isaacs/string-locale-compare@1.1.0 >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact --save-dev ms@2.1.3 >/dev/null
# "PATH:NAME@VERSION" lines; the first is the app itself
npm ls --all --parseable --long 2>/dev/null | tail -n +2 | sed 's|^.*:\(.*\)@\([^@]*\)$|\1 \2|' \
  | sort > ../expected-installed.txt
npm ls --all --omit=dev --parseable --long 2>/dev/null | tail -n +2 \
  | sed 's|^.*:\(.*\)@\([^@]*\)$|\1 \2|' | sort > ../expected-lockfile.txt
# keep only package.json files: the fixture is about metadata, not code
find node_modules -type f ! -name package.json -delete
find node_modules -name package.json -path '*/node_modules/*/*/package.json' \
  ! -path '*/node_modules/@*/*/package.json' ! -path '*/node_modules/*/node_modules/*' -delete
find node_modules -type d -empty -delete
