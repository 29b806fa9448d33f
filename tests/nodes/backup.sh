#!/usr/bin/env bash
# `onset-node backup` (docs/operations.md, "Backup and restore") on a
# running node while provisioning is in flight: a private copy of every
# environment (the engine's and the tokens') and of admin.token, without
# LMDB's lock files or the port files; bad targets refused, naming the
# option, with nothing left behind. Then the documented restore: the node
# stopped, its data directory moved away, the backup copied in, the node
# started: it has what it had at the backup (the admin token works, the
# contracts submitted before finish, the one after is unknown), and every
# effect was applied once.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"

start_node --firmware-latency 1500 --apps-latency 300 --settings-latency 300
run_onset 0 devices add "$SAMPLES/devices.json"
run_onset 0 submit "$SAMPLES/contract-acme-backup.json"
run_onset 0 submit "$SAMPLES/contract-globex-device-only.json"

step "backup while provisioning is in flight"
run_onset 0 status
expect_contains "$OUT" provisioning "status before the backup"
backup=$WORK/backup
rc=0
"$NODE_BIN" backup --data-dir "$DATA" --to "$backup" >"$WORK/out" 2>&1 || rc=$?
OUT=$(cat "$WORK/out")
[ $rc -eq 0 ] || fail "backup exited with $rc: $OUT"
echo "$OUT"
kill -0 "$NODE_PID" || fail "the node stopped during its backup"
expect_contains "$OUT" "environment . data.mdb" "backup output"
expect_contains "$OUT" "environment tokens data.mdb" "backup output"
expect_contains "$OUT" "file admin.token" "backup output"
[ -s "$backup/data.mdb" ] && [ -s "$backup/tokens/data.mdb" ] \
  && [ -s "$backup/admin.token" ] || fail "backup incomplete: $(ls -lR "$backup")"
left=$(find "$backup" -name lock.mdb -o -name '*.port')
[ -z "$left" ] || fail "lock or port files in the backup: $left"
modes=$(find "$backup" -printf '%y %m\n' | sort -u | tr '\n' ' ')
[ "$modes" = "d 700 f 600 " ] || fail "backup modes (want d 700, f 600): $modes"

step "bad targets are refused, nothing left behind"
expect_backup_refused() {
  local want=$1
  shift
  rc=0
  "$NODE_BIN" backup "$@" >"$WORK/out" 2>&1 || rc=$?
  OUT=$(cat "$WORK/out")
  [ $rc -eq 1 ] || fail "backup $* exited with $rc, expected 1: $OUT"
  expect_contains "$OUT" "$want" "backup $*"
}
expect_backup_refused "--to $backup: already exists" --data-dir "$DATA" --to "$backup"
mkdir "$WORK/empty"
expect_backup_refused "already exists" --data-dir "$DATA" --to "$WORK/empty"
expect_backup_refused "--data-dir $WORK/empty: not a node's data directory" \
  --data-dir "$WORK/empty" --to "$WORK/b2"
expect_backup_refused "inside the data directory" --data-dir "$DATA" --to "$DATA/b3"
expect_backup_refused "its parent directory does not exist" \
  --data-dir "$DATA" --to "$WORK/no/such"
left=$(find "$WORK" -maxdepth 2 -name '.*partial*' -o -maxdepth 2 -name b2 -o -maxdepth 2 -name b3)
[ -z "$left" ] || fail "a refused backup left: $left"

step "a contract after the backup"
run_onset 0 submit "$SAMPLES/contract-initech-cloud.json"
run_onset 0 wait C-1001 C-2001 C-3001 --timeout 90
stop_node

step "restore: data directory moved away, the backup copied in"
mv "$DATA" "$WORK/data-before-restore"
cp -a "$backup" "$DATA"
start_node
run_onset 0 wait C-1001 C-2001 --timeout 90
run_onset 1 status C-3001
expect_contains "$ERR" "unknown" "the contract submitted after the backup"
stop_node
rc=0
inspect=$("$NODE_BIN" inspect --data-dir "$DATA" --json) || rc=$?
[ $rc -eq 0 ] || fail "inspect of the restored node exited with $rc: $inspect"
expect_contains "$inspect" '"duplicated":0' "inspect"
expect_contains "$inspect" '"gaps":0' "inspect"
echo "PASS [$TEST_NAME]"
