#!/usr/bin/env bash
# Instructions leave Onset (docs/endpoints.md): a real onset-node delivers
# through its HTTP adapter to a real onset-fleet process, and what the
# printers and services hold is read from the fleet server. Provisioning,
# the renewal delta and a cancel; a refused printer; the fleet server
# SIGKILLed mid-run and restarted; an endpoint down for longer than the
# request timeout; a state-only endpoint that loses replies. After each,
# `onset-fleet audit` proves every effect performed exactly once, in order.
#
# Usage: endpoint_boundary.sh ONSET_NODE_BIN ONSET_BIN SOURCE_DIR
#        ONSET_FLEET_BIN
source "$(dirname "$0")/lib.sh" "$@"
FLEET_BIN=$4
FLEET_LOG=$WORK/fleet.log
FLEET_PID=
PRINTERS=$SAMPLES/devices.json
source "$(dirname "$0")/fleet_lib.sh"

printf 'boundary-test-token\n' >"$WORK/token"
chmod 600 "$WORK/token"

# endpoints_file PORT [IDEMPOTENT]: Onset's endpoints file for one fleet
# server playing every endpoint.
endpoints_file() {
  local url=http://127.0.0.1:$1 idem=${2:-true}
  jq -n --arg url "$url" --arg token "$WORK/token" --argjson idem "$idem" \
    '{printers: {url: $url, token_file: $token, idempotent: $idem},
      services: {"*": {url: $url, token_file: $token, idempotent: $idem}}}' \
    >"$WORK/endpoints.json"
}

# fleet_get PATH: the fleet server's answer to GET PATH, in BODY.
fleet_get() {
  BODY=$(curl -sS -H "Authorization: Bearer $(cat "$WORK/token")" \
    "http://127.0.0.1:$PORT$1") || fail "GET $1 from the fleet server failed"
}

# audit_clean DATA: `onset-fleet audit` of DATA finds no duplicate, gap or
# order violation; prints its totals.
audit_clean() {
  local rc=0
  "$FLEET_BIN" audit --data-dir "$1" --json >"$WORK/audit.json" \
    2>"$WORK/audit.err" || rc=$?
  echo "audit totals: $(jq -c .totals "$WORK/audit.json" 2>/dev/null)"
  [ $rc -eq 0 ] || fail "onset-fleet audit found problems (exit $rc): \
$(jq -c '.streams[] | select((.duplicated | length) > 0 or (.gaps | length) > 0 or (.order_violations | length) > 0)' "$WORK/audit.json" | head -5)"
}

wait_state() {
  run_onset 0 wait "$1" --state "$2" --timeout "${3:-60}"
}

step "provisioning through the fleet server"
start_fleet "$WORK/fleet"
FLEET_PORT=$PORT
endpoints_file "$PORT"
start_node --endpoints "$WORK/endpoints.json"
run_onset 0 devices add "$PRINTERS"
run_onset 0 submit "$SAMPLES/contract-acme-backup.json"
wait_state C-1001 active
fleet_get /v1/printers/MFP-0001
[ "$(jq -r .firmware <<<"$BODY")" != 2.4.0 ] \
  || fail "MFP-0001 still runs its first firmware at the fleet server: $BODY"
jq -e '.apps | length > 0' <<<"$BODY" >/dev/null \
  || fail "no application installed on MFP-0001 at the fleet server: $BODY"
fleet_get /v1/services/data_backup/printers/MFP-0001
jq -e '.registered and .active' <<<"$BODY" >/dev/null \
  || fail "MFP-0001 is not served at data_backup: $BODY"
expect_contains "$(jq -c .settings <<<"$BODY")" '"backup_format":"full"' \
  "data_backup settings of MFP-0001"

step "the renewal sends only its delta"
run_onset 0 submit "$SAMPLES/renewal-acme-backup.json"
wait_state C-1001 active
fleet_get /v1/services/data_backup/printers/MFP-0001
expect_contains "$(jq -c .settings <<<"$BODY")" \
  '"backup_format":"differential"' "data_backup settings after the renewal"

step "a cancel removes what the contract put there"
run_onset 0 cancel C-1001
wait_state C-1001 ended
fleet_get /v1/services/data_backup/printers/MFP-0001
jq -e '(.registered or .active) | not' <<<"$BODY" >/dev/null \
  || fail "MFP-0001 is still served at data_backup after the cancel: $BODY"
audit_clean "$WORK/fleet"

step "the fleet server SIGKILLed while a contract provisions"
run_onset 0 submit "$SAMPLES/contract-acme-delivery.json"
sleep 0.3
kill_fleet
sleep 2
start_fleet "$WORK/fleet"
wait_state C-1002 active
audit_clean "$WORK/fleet"

step "an endpoint down for longer than the request timeout"
stop_fleet
run_onset 0 submit "$SAMPLES/contract-initech-cloud.json"
sleep 7
[ "$(contract_state C-3001)" = provisioning ] \
  || fail "C-3001 is $(contract_state C-3001) while its endpoint is down"
start_fleet "$WORK/fleet"
wait_state C-3001 active 90
audit_clean "$WORK/fleet"

step "a printer the fleet server refuses is left behind, the other finishes"
stop_fleet
start_fleet "$WORK/fleet" --refuse MFP-0102
run_onset 0 submit "$SAMPLES/contract-globex-device-only.json"
wait_state C-2001 degraded
run_onset 0 status C-2001
expect_contains "$OUT" "MFP-0102" "status of C-2001"
audit_clean "$WORK/fleet"
stop_node
stop_fleet

step "a state-only endpoint that loses replies gets every effect once"
unset FLEET_PORT
start_fleet "$WORK/fleet-state-only" --state-only --lose-reply 0.3 --seed 5
FLEET_PORT=$PORT
endpoints_file "$PORT" false
rm -rf "$DATA"
start_node --endpoints "$WORK/endpoints.json"
run_onset 0 devices add "$PRINTERS"
for c in contract-acme-backup contract-acme-delivery contract-initech-cloud; do
  run_onset 0 submit "$SAMPLES/$c.json"
done
wait_state C-1001 active 90
wait_state C-1002 active 90
wait_state C-3001 active 90
lost=$(grep -c 'fleet.reply_lost' "$FLEET_LOG" || true)
echo "replies lost on purpose: $lost"
[ "$lost" -gt 0 ] || fail "the fleet server lost no reply"
audit_clean "$WORK/fleet-state-only"
stop_node
stop_fleet
step "passed"
