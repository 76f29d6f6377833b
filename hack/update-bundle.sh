#!/usr/bin/env bash
# Regenerates the OLM bundle (bundle/ and bundle.Dockerfile) from the Helm chart rendered with its
# defaults and admission.enabled=true (the webhook becomes webhookdefinitions), the CRDs in manifests/crds, manifests/examples and hack/olm-bundle/csv-template.yaml,
# then validates it with the operator framework's validators (OlmBundleIT). Needs helm and
# olm-validate from hack/tool-binaries.sh and the test API server from hack/setup.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/hack/tool-binaries.sh"
"$root/hack/mvn" -B -ntp -q -pl operator -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=OlmBundleIT -Dfailsafe.failIfNoSpecifiedTests=false -Dsekisho.updateBundle=true
echo "OLM bundle updated in bundle/ and bundle.Dockerfile"
