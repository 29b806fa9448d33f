#!/usr/bin/env bash
# The operator's lifecycle commands: a contract starting in the future waits
# `scheduled` (its plan shows its first steps); `onset start` with an event
# id starts it (the same event again changes nothing); `onset plan
# --catalog` shows what a restart with a changed catalog would send, and the
# restart sends exactly that; `onset cancel` takes it down in reverse order
# to `ended`; then cancel and unknown ids refuse.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"

start_node
run_onset 0 devices add "$SAMPLES/devices.json"
cat >"$WORK/future.json" <<'DOC'
{ "id": "C-5001", "version": 1, "customer": "globex",
  "start": "2030-01-01T00:00:00Z", "end": "2036-01-01T00:00:00Z",
  "devices": ["MFP-0101"], "services": { "data_backup": {} } }
DOC

step "a contract starting in 2030 waits scheduled"
run_onset 0 submit "$WORK/future.json"
[ "$(contract_state C-5001)" = scheduled ] || fail "C-5001 is not scheduled"
run_onset 0 plan C-5001
expect_contains "$OUT" "device/MFP-0101" "plan of a scheduled contract"
expect_contains "$OUT" "service/data_backup" "plan of a scheduled contract"
run_onset 0 wait C-5001 --state scheduled --timeout 5

step "an external start event (claim 2), twice"
run_onset 0 start C-5001 --event-id billing-start-1
run_onset 0 wait C-5001 --timeout 60
run_onset 0 start C-5001 --event-id billing-start-1
run_onset 0 history C-5001
[ "$(grep -c 'start event id=billing-start-1' <<<"$OUT")" -eq 1 ] \
  || fail "the repeated start event was recorded twice: $OUT"

step "plan against a changed catalog, then a restart with it"
jq '.services.data_backup.device.min_firmware = "4.0.0"
    | .services.data_backup.device.install_firmware = "4.1.0"
    | .services.data_backup.device.settings["backup.encrypt"] = true' \
  "$SRC/config/catalog.json" >"$WORK/catalog-v2.json"
run_onset 0 plan C-5001 --catalog "$WORK/catalog-v2.json"
expect_contains "$OUT" "C-5001 against catalog $WORK/catalog-v2.json" \
  "plan --catalog header"
expect_contains "$OUT" "firmware=4.1.0" "plan --catalog"
expect_contains "$OUT" "backup.encrypt=true" "plan --catalog"
planned=$(awk 'NR > 2 { print "kind=" $2 }' <<<"$OUT" | tr '\n' ' ')
[ "$planned" = "kind=firmware kind=settings " ] \
  || fail "plan --catalog steps: $planned"
run_onset 0 plan C-5001 --catalog "$WORK/catalog-v2.json" --json
[ "$(jq length <<<"$OUT")" = 2 ] || fail "plan --catalog --json: $OUT"
run_onset 0 plan C-5001
expect_contains "$OUT" "C-5001: nothing to send" "plan with the node's catalog"
[ "$(contract_state C-5001)" = active ] || fail "the query changed C-5001"

jq '.services.data_backup.device.min_firmware = "four"' \
  "$SRC/config/catalog.json" >"$WORK/catalog-bad.json"
run_onset 1 plan C-5001 --catalog "$WORK/catalog-bad.json"
expect_contains "$ERR" \
  "$WORK/catalog-bad.json: services.data_backup.device.min_firmware" \
  "plan --catalog with a malformed catalog"
jq 'del(.services.data_backup)' "$SRC/config/catalog.json" \
  >"$WORK/catalog-less.json"
run_onset 1 plan C-5001 --catalog "$WORK/catalog-less.json"
expect_contains "$ERR" "unknown_service" "plan --catalog without the service"
expect_contains "$ERR" "services.data_backup" \
  "plan --catalog without the service"

run_onset 0 history C-5001
sent_before=$(awk '$2 == "sent"' <<<"$OUT" | wc -l)
acked_before=$(awk '$2 == "acked"' <<<"$OUT" | wc -l)
stop_node
start_node --catalog "$WORK/catalog-v2.json"
# `wait` could see `active` before the restarted contract has recorded its
# move to `provisioning`: wait for the delta's acks in the history instead.
for _ in $(seq 100); do
  run_onset 0 history C-5001
  [ "$(awk '$2 == "acked"' <<<"$OUT" | wc -l)" -ge "$((acked_before + 2))" ] \
    && break
  sleep 0.1
done
run_onset 0 wait C-5001 --timeout 60
run_onset 0 history C-5001
expect_contains "$OUT" "catalog change" "history after the restart"
restart_sent=$(awk '$2 == "sent" { print $4 }' <<<"$OUT" \
  | tail -n +"$((sent_before + 1))" | tr '\n' ' ')
[ "$restart_sent" = "$planned" ] \
  || fail "the restart sent '$restart_sent', the plan showed '$planned'"

step "cancel: deprovisioning in reverse order, then ended"
run_onset 0 cancel C-5001
run_onset 0 wait C-5001 --state ended --timeout 60
run_onset 0 history C-5001 --json
expect_contains "$OUT" '"kind": "transition"' "history --json"
run_onset 0 history C-5001
order=$(awk '$2 == "sent" { print $4 }' <<<"$OUT" | tail -n 3 | tr '\n' ' ')
[ "$order" = "kind=deactivate kind=settings_off kind=apps_remove " ] \
  || fail "deprovisioning order: $order"
run_onset 0 service show data_backup --device MFP-0101 --json
expect_contains "$OUT" '"active": false' "service after cancel"

step "refusals: an ended contract, unknown ids; waiting on an ended one"
run_onset 1 cancel C-5001
expect_contains "$ERR" "onset: refused: wrong_state" "cancel an ended contract"
run_onset 1 wait C-5001 --timeout 5
expect_contains "$ERR" "C-5001 has ended" "wait for active on an ended contract"
run_onset 1 status C-9999
expect_contains "$ERR" "unknown_contract" "status of an unknown contract"
run_onset 1 wait C-9999 --timeout 5
expect_contains "$ERR" "unknown_contract: C-9999" "wait on an unknown contract"
run_onset 1 device show MFP-9999
expect_contains "$ERR" "unknown_device" "device show of an unknown printer"
run_onset 1 service show teleport --device MFP-0101
expect_contains "$ERR" "unknown_service" "service show of an unknown service"

stop_node
echo "PASS [$TEST_NAME]"
