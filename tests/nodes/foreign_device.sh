#!/usr/bin/env bash
# (d) Tenancy: a contract naming another customer's printer is refused
# (exit 1, naming the printer) and nothing is stored.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"

start_node
run_onset 0 devices add "$SAMPLES/devices.json"
run_onset 0 status --json
before=$OUT

step "acme names globex's MFP-0101"
cat >"$WORK/foreign.json" <<'DOC'
{ "id": "C-1009", "version": 1, "customer": "acme",
  "start": "2026-01-01T00:00:00Z", "end": "2036-01-01T00:00:00Z",
  "devices": ["MFP-0001", "MFP-0101"],
  "services": { "failure_prediction": {} } }
DOC
run_onset 1 submit "$WORK/foreign.json"
expect_contains "$ERR" "onset: refused: foreign_device" "foreign device"
expect_contains "$ERR" "MFP-0101" "foreign device"
expect_contains "$ERR" "devices[1]" "foreign device"

step "nothing was stored"
run_onset 0 status --json
[ "$OUT" = "$before" ] || fail "status changed: $OUT"
run_onset 1 status C-1009
expect_contains "$ERR" "unknown_contract" "status of the refused contract"

stop_node
echo "PASS [$TEST_NAME]"
