#!/usr/bin/env bash
# (f) SIGKILL of the node mid-provisioning (slow simulated firmware installs
# keep provisioning in flight), then a restart on the same data directory:
# every contract ends `active` and every effect was applied exactly once
# (`onset-node inspect` on the stopped node's data).
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

echo "PASS [$TEST_NAME]"
