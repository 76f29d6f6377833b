#!/usr/bin/env bash
# Regenerates the CRD YAML from the API types and copies it to manifests/crds and charts/sekisho/crds.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/hack/mvn" -q -pl api -am process-classes
for f in "$root"/api/target/classes/META-INF/fabric8/*-v1.yml; do
  name="$(basename "$f" -v1.yml)"
  cp "$f" "$root/manifests/crds/$name.yaml"
  cp "$f" "$root/charts/sekisho/crds/$name.yaml"
done
"$root/hack/mvn" -q -pl api test -Dtest=CrdReferenceDocTest -Dsekisho.updateDocs=true -Dsurefire.failIfNoSpecifiedTests=false
echo "CRDs updated in manifests/crds and charts/sekisho/crds; docs/crd-reference.md regenerated"
