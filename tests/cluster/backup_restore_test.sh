#!/usr/bin/env bash
# Backup and restore of a devices node (docs/operations.md, "Backup and
# restore"), on a four-node cluster on loopback: a gateway, two contracts
# nodes, and d1 holding every printer and service.
#
#   1. 30 contracts over 60 printers (120 registered) end active.
#   2. 10 more are submitted, and `onset-node backup` copies d1's data
#      directory while it runs and provisions them.
#   3. 10 more after the backup; all 50 end active. The state of the 40
#      printers of the last 20 contracts (`onset device show`, `onset
#      service show data_backup`) is recorded.
#   4. d1 is restored as documented: stopped, its data directory moved
#      away, the backup copied in, started. The restored d1 is behind (the
#      backup holds fewer applied instructions); the contracts nodes resync
#      its streams (`stream.resync`), and every recorded printer and
#      service returns to its recorded state.
#   5. Every node stopped: `onset-node inspect --expect-settled` over all
#      four data directories finds every effect applied once, every acked
#      instruction applied, every contract settled and every printer and
#      service in its desired state.
#
# Usage: backup_restore_test.sh SOURCE_DIR ONSET_NODE ONSET
set -euo pipefail
src=$1
export ONSET_NODE=$2
onset_bin=$3
work=$(mktemp -d /tmp/onset-backup-test.XXXXXX)
run=$work/run
cluster=$work/cluster.json
trap '"$src/scripts/local-cluster.sh" stop "$run" >/dev/null 2>&1 || true' EXIT

source "$src/tests/cluster/cluster_lib.sh"

# free_ports N: the first of N free consecutive loopback ports in
# $ONSET_PORT_RANGE (LOW-HIGH), by default 32000-32699: below the kernel's
# ephemeral range, above the chaos runs' ranges, and probed by no other
# test that may run beside this one (tests/cluster/CMakeLists.txt).
free_ports() {
  local range=${ONSET_PORT_RANGE:-32000-32699}
  local low=${range%-*} high=${range#*-} base p ok
  for base in $(seq "$low" 10 $((high - $1))); do
    ok=1
    for p in $(seq "$base" $((base + $1 - 1))); do
      ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || ok=0
    done
    [ "$ok" = 0 ] || { echo "$base"; return 0; }
  done
  return 1
}
base=$(free_ports 5) || fail "no 5 free ports"
"$src/scripts/cluster-certs.sh" "$work/certs" gw c1 c2 d1 >/dev/null \
  || fail "cluster-certs.sh"
cat >"$cluster" <<JSON
{ "heartbeat_interval_ms": 500, "heartbeat_timeout_ms": 3000,
  "tls": {"dir": "$work/certs"},
  "nodes": [
    {"name": "gw", "host": "127.0.0.1", "port": $base, "gateway_port": $((base + 4)), "roles": ["gateway"]},
    {"name": "c1", "host": "127.0.0.1", "port": $((base + 1)), "roles": ["contracts"]},
    {"name": "c2", "host": "127.0.0.1", "port": $((base + 2)), "roles": ["contracts"]},
    {"name": "d1", "host": "127.0.0.1", "port": $((base + 3)), "roles": ["devices", "services"]}
  ] }
JSON
onset() { "$onset_bin" "$@"; }


step "starting the cluster in $work"
"$src/scripts/local-cluster.sh" start "$run" "$cluster" -- --http-port 0 \
  --firmware-latency 300 --apps-latency 100 --settings-latency 50 \
  --request-timeout 2000 --resend-cap 2000 --threads 2 >/dev/null \
  || fail "cluster did not start"
export ONSET_SERVER=http://127.0.0.1:$(cat "$run/gw/http.port")
ONSET_TOKEN=$("$ONSET_NODE" token --data-dir "$run/gw" create ops --role operator) \
  || fail "no token for the gateway node"
export ONSET_TOKEN
devices_json 120 >"$work/devices.json"
contracts_json 1 30 >"$work/contracts-1.json"
contracts_json 31 40 >"$work/contracts-2.json"
contracts_json 41 50 >"$work/contracts-3.json"
onset devices add "$work/devices.json" >/dev/null || fail "enroll"
onset submit "$work/contracts-1.json" --timeout 60 >/dev/null || fail "submit 1"
onset wait $(ids 1 30) --timeout 90 >/dev/null || fail "the first 30 contracts not active"
step "30 contracts active"

step "10 more submitted; backup of d1 while it provisions them"
onset submit "$work/contracts-2.json" >/dev/null || fail "submit 2"
backup=$work/d1-backup
"$ONSET_NODE" backup --data-dir "$run/d1" --to "$backup" >"$work/backup.out" 2>&1 \
  || fail "backup of the running d1: $(cat "$work/backup.out")"
cat "$work/backup.out"
[[ "$("$src/scripts/local-cluster.sh" status "$run")" == *"d1 running"* ]] \
  || fail "d1 stopped during its backup"
step "backed up"
[ "$(stat -c %a "$backup")" = 700 ] || fail "backup directory mode $(stat -c %a "$backup")"
[ "$(stat -c %a "$backup/data.mdb")" = 600 ] || fail "backup data.mdb mode $(stat -c %a "$backup/data.mdb")"
rc=0
"$ONSET_NODE" backup --data-dir "$run/d1" --to "$backup" >"$work/again.out" 2>&1 || rc=$?
[ $rc -eq 1 ] && grep -q "already exists" "$work/again.out" \
  || fail "a second backup to the same directory: exit $rc, $(cat "$work/again.out")"

step "10 more after the backup"
onset submit "$work/contracts-3.json" >/dev/null || fail "submit 3"
onset wait $(ids 1 50) --timeout 90 >/dev/null || fail "not all 50 contracts active"
# states: what printers 61-100 and their data_backup service hold, one
# line each, read in one curl from the gateway node's API (docs/api.md).
states() {
  local urls=() i id
  for i in $(seq 61 100); do
    id=$(printf 'MFP-%04d' "$i")
    urls+=("$ONSET_SERVER/v1/printers/$id" "$ONSET_SERVER/v1/services/data_backup/printers/$id")
  done
  curl -sf --max-time 30 -H "Authorization: Bearer $ONSET_TOKEN" "${urls[@]}" \
    | jq -cS '{id, service, device, firmware, apps, settings, registered, active, applied}'
}
states >"$work/before" || fail "cannot read the printers"
[ "$(wc -l <"$work/before")" -eq 80 ] || fail "80 states expected: $(cat "$work/before")"
grep -q '"C-0050>device/MFP-0100"' "$work/before" \
  || fail "MFP-0100 applied nothing of C-0050: $(grep MFP-0100 "$work/before")"
step "50 contracts active; the state of printers 61-100 recorded"

step "restore d1: stop it, move its data away, copy the backup in, start it"
"$src/scripts/local-cluster.sh" stop "$run" d1 >/dev/null || fail "stop d1"
mv "$run/d1" "$work/d1-before-restore"
cp -a "$backup" "$run/d1"
# The copy's instructions, from a copy of it (inspect opens it for writing).
cp -a "$backup" "$work/d1-backup-inspected"
in_backup=$("$ONSET_NODE" inspect --data-dir "$work/d1-backup-inspected" --json | jq .instructions)
resyncs_before=$(cat "$run/c1.log" "$run/c2.log" | grep -c "stream.resync" || true)
"$src/scripts/local-cluster.sh" restart "$run" d1 >/dev/null || fail "restart d1"
step "d1 restored (the backup held $in_backup applied instructions) and ready"

settled() { states >"$work/after" && cmp -s "$work/before" "$work/after"; }
for _ in $(seq 1 120); do settled && break; sleep 0.5; done
settled || fail "printers not back to their state: $(diff "$work/before" "$work/after" | head -n 20)"
resyncs=$(( $(cat "$run/c1.log" "$run/c2.log" | grep -c "stream.resync" || true) - resyncs_before ))
[ "$resyncs" -gt 0 ] || fail "no stream.resync by c1 or c2 after the restore"
onset wait $(ids 1 50) --timeout 30 >/dev/null || fail "not all 50 contracts active after the restore"
step "printers 61-100 back to their state; $resyncs streams resynced"

step "stopping the cluster; inspect --expect-settled over every node"
"$src/scripts/local-cluster.sh" stop "$run" >/dev/null
report=$("$ONSET_NODE" inspect --expect-settled --data-dir "$run/gw" --data-dir "$run/c1" \
  --data-dir "$run/c2" --data-dir "$run/d1" --json) || fail "inspect: $report"
echo "$report" | jq -c 'del(.contracts)'
echo "$report" | jq -e '.ok and .duplicated == 0 and .gaps == 0 and .lost == 0
  and .unsettled == 0 and .mismatched == 0 and (.contracts | length) == 50' >/dev/null \
  || fail "not settled: $report"
total=$(echo "$report" | jq .instructions)
# 3 device steps per printer, prepare and activate of one service per
# printer: 10 per contract.
[ "$total" -eq 500 ] || fail "expected 500 applied instructions, found $total"
[ "$in_backup" -lt "$total" ] || fail "the backup was not behind: $in_backup of $total"
step "PASS: $total instructions, each applied once; the restored d1 resynced from $in_backup"
rm -rf "$work"
