#!/usr/bin/env bash
# The README's first command: builds Onset and runs its main job on the
# sample fleet in config/samples/.
#
# The engine (contract, device and service actors) is not built yet, so this
# shows what Onset will send for each sample contract: the validated
# contract, its merged server-side settings, and the desired device and
# service state computed from it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ONSET_BUILD_DIR:-$root/build}
"$root/scripts/build.sh" --target onset >/dev/null
samples=$root/config/samples
echo "== sample devices: $samples/devices.json"
echo "== checking every sample contract against config/catalog.json"
"$build/nodes/onset" check --catalog "$root/config/catalog.json" \
  --devices "$samples/devices.json" "$samples"/contract-*.json \
  "$samples"/renewal-*.json
