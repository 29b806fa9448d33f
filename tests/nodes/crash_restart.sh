#!/usr/bin/env bash
# (f) SIGKILL of the node mid-provisioning (slow simulated firmware installs
# keep provisioning in flight), then a restart on the same data directory:
# every contract ends `active` and every effect was applied exactly once
# (`onset-node inspect` on the stopped node's data). Then a disk that fails
# (an injected MDB_PANIC): the node exits 74 at once, naming the error,
# instead of staying up with a STORE that fails every write; restarted, it
# has everything it committed before.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"

start_node --firmware-latency 1500 --apps-latency 300 --settings-latency 300
run_onset 0 devices add "$SAMPLES/devices.json"
for f in contract-acme-backup contract-acme-delivery \
         contract-globex-device-only contract-initech-cloud; do
  run_onset 0 submit "$SAMPLES/$f.json"
done

step "provisioning is in flight"
in_flight=0
for i in $(seq 50); do
  run_onset 0 status
  provisioning=$(awk '$4 == "provisioning" { n++ } END { print n + 0 }' <<<"$OUT")
  acked=$(awk 'NR > 1 { split($5, s, "/"); n += s[1] } END { print n + 0 }' <<<"$OUT")
  if [ "$provisioning" -gt 0 ] && [ "$acked" -gt 0 ]; then
    in_flight=1
    break
  fi
  sleep 0.1
done
[ $in_flight -eq 1 ] || fail "provisioning never got under way: $OUT"
echo "$OUT"

step "SIGKILL"
kill_node
run_onset 3 status --timeout 2

step "restart on the same data directory"
start_node
run_onset 0 wait C-1001 C-1002 C-2001 C-3001 --timeout 90
run_onset 0 status --json
total=$(grep -o '"steps_total": [0-9]*' <<<"$OUT" | awk '{ n += $2 } END { print n }')
acked=$(grep -o '"steps_acked": [0-9]*' <<<"$OUT" | awk '{ n += $2 } END { print n }')
[ "$total" -gt 0 ] && [ "$acked" -eq "$total" ] \
  || fail "steps acked $acked of $total: $OUT"
for id in C-1001 C-1002 C-2001 C-3001; do
  run_onset 0 status "$id"
  grep -q ' sent ' <<<"$OUT" && fail "$id has unacked steps: $OUT"
done
stop_node

step "every effect applied exactly once"
rc=0
inspect=$("$NODE_BIN" inspect --data-dir "$DATA" --json) || rc=$?
echo "$inspect"
[ $rc -eq 0 ] || fail "onset-node inspect exited with $rc: $inspect"
expect_contains "$inspect" '"duplicated":0' "inspect"
expect_contains "$inspect" '"gaps":0' "inspect"
expect_contains "$inspect" "\"instructions\":$total," \
  "inspect: one effect per instruction sent ($total)"

step "a fatal storage error stops the node with exit code 74"
export ONSET_ENABLE_TEST_FAULTS=1
start_node --test-store-fault panic_after:0
unset ONSET_ENABLE_TEST_FAULTS
cat >"$WORK/new-device.json" <<'JSON'
[ { "id": "MFP-0999", "customer": "acme", "model": "imageRUNNER 2630",
    "firmware": "3.10.0", "apps": [] } ]
JSON
# The write fails (or finds the node gone): any exit code but 0.
rc=0
"$ONSET_BIN" devices add "$WORK/new-device.json" >"$WORK/out" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "devices add succeeded on a failed disk: $(cat "$WORK/out")"
expect_node_exit 74
grep -q 'store.fatal .*MDB_PANIC' "$NODE_LOG" \
  || fail "no store.fatal event naming MDB_PANIC in the log"
[ "$(grep -c 'store.fatal' "$NODE_LOG")" -eq 1 ] \
  || fail "store.fatal logged more than once"
grep -q 'node.stopping reason=store_failed exit_code=74' "$NODE_LOG" \
  || fail "no node.stopping reason=store_failed in the log"
[ ! -e "$DATA/http.port" ] || fail "http.port left behind"

step "restarted without the fault, the node has every contract"
start_node
run_onset 0 wait C-1001 C-1002 C-2001 C-3001 --timeout 30
run_onset 1 device show MFP-0999
expect_contains "$ERR" "unknown_device" "the device of the failed write"
stop_node

echo "PASS [$TEST_NAME]"
