#!/usr/bin/env bash
# (a) The sample fleet: register the sample printers, submit the sample
# contracts (start dates in the past), and every contract reaches `active`;
# the printers and services then hold what the contracts asked for.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"

start_node

step "register the sample printers"
run_onset 0 devices add "$SAMPLES/devices.json"
expect_contains "$OUT" "registered 6 devices" "devices add"
run_onset 0 devices list
[ "$(grep -c '^MFP-' <<<"$OUT")" -eq 6 ] || fail "devices list: $OUT"
run_onset 0 devices list --json
expect_contains "$OUT" '"id": "MFP-0201"' "devices list --json"

step "submit the sample contracts"
for f in contract-acme-backup contract-acme-delivery \
         contract-globex-device-only contract-initech-cloud; do
  run_onset 0 submit "$SAMPLES/$f.json"
  expect_contains "$OUT" ": accepted" "submit $f"
done

step "wait until every contract is active"
run_onset 0 wait C-1001 C-1002 C-2001 C-3001 --state active --timeout 60
expect_contains "$ERR" "steps acked" "wait's progress bar"
for id in C-1001 C-1002 C-2001 C-3001; do
  expect_contains "$OUT" "$id: active" "wait"
  [ "$(contract_state "$id")" = active ] || fail "$id is not active"
done

step "the status of one contract lists its steps, every one acked"
run_onset 0 status C-1001
expect_contains "$OUT" "contract C-1001 v1 (customer acme): active" "status C-1001"
grep -q ' sent ' <<<"$OUT" && fail "status C-1001 has unacked steps: $OUT"
expect_contains "$OUT" "service/data_backup" "status C-1001"
run_onset 0 status C-1001 --json
expect_contains "$OUT" '"state": "active"' "status C-1001 --json"

step "the printer and the service hold what the contract asked for"
run_onset 0 device show MFP-0001 --json
expect_contains "$OUT" '"online": true' "device show"
expect_contains "$OUT" '"backup-agent"' "device show: apps"
expect_contains "$OUT" '"stream": "C-1001>device/MFP-0001"' "device show: applied"
run_onset 0 service show data_backup --device MFP-0001
expect_contains "$OUT" "active:     yes" "service show"
expect_contains "$OUT" "backup_format=full" "service show"

step "a device-only contract sent no service instruction (claim 3)"
run_onset 0 history C-2001
grep -q 'target=service/' <<<"$OUT" && fail "C-2001 sent to a service: $OUT"

step "the same event again is a duplicate and changes nothing"
run_onset 0 submit "$SAMPLES/contract-acme-backup.json" --json
expect_contains "$OUT" '"result": "duplicate"' "resubmit with the same event id"

stop_node
echo "PASS [$TEST_NAME]"
