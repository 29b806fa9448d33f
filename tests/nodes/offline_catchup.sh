#!/usr/bin/env bash
# (e) An offline printer holds its contract in `provisioning`; back online,
# it catches up and the contract reaches `active`.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"

start_node
run_onset 0 devices add "$SAMPLES/devices.json"

step "MFP-0001 goes offline, then its contract is submitted"
run_onset 0 device set-online MFP-0001 false
run_onset 0 device show MFP-0001
expect_contains "$OUT" "online:    no" "device show while offline"
run_onset 0 submit "$SAMPLES/contract-acme-backup.json"

step "the contract waits for the printer (wait times out: exit 4)"
run_onset 4 wait C-1001 --timeout 3
expect_contains "$ERR" "C-1001=provisioning" "wait's timeout message"
[ "$(contract_state C-1001)" = provisioning ] || fail "C-1001 left provisioning"
run_onset 0 device show MFP-0001 --json
grep -q '"stream": "C-1001>device/MFP-0001"' <<<"$OUT" \
  && fail "the offline printer applied an instruction: $OUT"

step "back online, it catches up"
run_onset 0 device set-online MFP-0001 true
run_onset 0 wait C-1001 --timeout 60
run_onset 0 device show MFP-0001 --json
expect_contains "$OUT" '"stream": "C-1001>device/MFP-0001"' "applied after catch-up"
expect_contains "$OUT" '"online": true' "device show after catch-up"

stop_node
echo "PASS [$TEST_NAME]"
