#!/usr/bin/env bash
# (c) Every bad-input case of docs/contracts.md through `onset submit`: exit
# code 1, a message naming the field, and `onset status --json` unchanged.
# Also bad device records through `onset devices add`, and usage errors (2).
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"

start_node
run_onset 0 devices add "$SAMPLES/devices.json"
run_onset 0 submit "$SAMPLES/contract-globex-device-only.json"
run_onset 0 wait C-2001 --timeout 60
run_onset 0 status --json
before=$OUT

CASES=$WORK/cases
mkdir -p "$CASES"
# A valid contract's fields, to build the bad ones from.
ID='"id": "C-9001"'
VERSION='"version": 1'
CUSTOMER='"customer": "globex"'
START='"start": "2026-01-01T00:00:00Z"'
END='"end": "2036-01-01T00:00:00Z"'
DEVICES='"devices": ["MFP-0101"]'
SERVICES='"services": {"data_backup": {"backup_format": "full"}}'
valid() {
  echo "{ $ID, $VERSION, $CUSTOMER, $START, $END, $DEVICES, $SERVICES }"
}

# bad NAME EXPECTED_FIELD_TEXT DOCUMENT: submitting DOCUMENT exits 1 with
# `onset: refused: ...EXPECTED_FIELD_TEXT` on stderr.
bad() {
  local name=$1 want=$2 doc=$3
  printf '%s' "$doc" >"$CASES/$name.json"
  run_onset 1 submit "$CASES/$name.json"
  expect_contains "$ERR" "onset: refused: " "case $name"
  expect_contains "$ERR" "$want" "case $name"
  [ -z "$OUT" ] || fail "case $name printed on stdout: $OUT"
}

step "documents refused by the rules"
bad not_json "document: not valid JSON" '{"id": '
bad trailing "document: trailing characters" "$(valid) x"
bad not_object "document: must be a JSON object" '42'
bad unknown_field "colour: unknown field" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, $DEVICES, $SERVICES, \"colour\": 1 }"
bad missing_id "id: is missing" \
  "{ $VERSION, $CUSTOMER, $START, $END, $DEVICES, $SERVICES }"
bad empty_id "id: must not be empty" \
  "{ \"id\": \"\", $VERSION, $CUSTOMER, $START, $END, $DEVICES, $SERVICES }"
bad missing_customer "customer: is missing" \
  "{ $ID, $VERSION, $START, $END, $DEVICES, $SERVICES }"
bad empty_customer "customer: must not be empty" \
  "{ $ID, $VERSION, \"customer\": \"\", $START, $END, $DEVICES, $SERVICES }"
bad version_zero "version: must be at least 1" \
  "{ $ID, \"version\": 0, $CUSTOMER, $START, $END, $DEVICES, $SERVICES }"
bad version_fraction "version: must be a whole number" \
  "{ $ID, \"version\": 1.5, $CUSTOMER, $START, $END, $DEVICES, $SERVICES }"
bad version_string "version: must be a whole number" \
  "{ $ID, \"version\": \"1\", $CUSTOMER, $START, $END, $DEVICES, $SERVICES }"
bad bad_timestamp "start: '2026-13-01T00:00:00Z'" \
  "{ $ID, $VERSION, $CUSTOMER, \"start\": \"2026-13-01T00:00:00Z\", $END, $DEVICES, $SERVICES }"
bad not_utc "end: '2036-01-01T00:00:00+02:00' is not in UTC" \
  "{ $ID, $VERSION, $CUSTOMER, $START, \"end\": \"2036-01-01T00:00:00+02:00\", $DEVICES, $SERVICES }"
bad end_before_start "end: must be after start" \
  "{ $ID, $VERSION, $CUSTOMER, $START, \"end\": \"2025-01-01T00:00:00Z\", $DEVICES, $SERVICES }"
bad no_devices "devices:" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, \"devices\": [], $SERVICES }"
bad duplicate_devices "devices[1]:" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, \"devices\": [\"MFP-0101\", \"MFP-0101\"], $SERVICES }"
bad no_services "services: must name at least one service" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, $DEVICES, \"services\": {} }"
bad unknown_service "services.teleport: unknown service" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, $DEVICES, \"services\": {\"teleport\": {}} }"
bad unknown_setting "services.data_backup.colour: unknown setting" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, $DEVICES, \"services\": {\"data_backup\": {\"colour\": 1}} }"
bad wrong_type "services.data_backup.backup_format: must be a string" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, $DEVICES, \"services\": {\"data_backup\": {\"backup_format\": 3}} }"
bad out_of_range "services.parts_life_prediction.alert_threshold_pct: 101 is out of range" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, $DEVICES, \"services\": {\"parts_life_prediction\": {\"alert_threshold_pct\": 101}} }"
bad not_allowed "invalid_input: services.data_backup.backup_format: 'x' is not one of full|differential" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, $DEVICES, \"services\": {\"data_backup\": {\"backup_format\": \"x\"}} }"
bad set_duplicate "services.data_backup.backup_weekdays" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, $DEVICES, \"services\": {\"data_backup\": {\"backup_weekdays\": [\"sat\", \"sat\"]}} }"
bad array_element "[1].version: must be at least 1" \
  "[ $(valid), { \"id\": \"C-9002\", \"version\": 0, $CUSTOMER, $START, $END, $DEVICES, $SERVICES } ]"

step "ids too long for a key, or not text, are refused"
LONG=$(printf 'C%.0s' $(seq 600))
bad long_id "id: is 600 bytes long; ids are at most 128 bytes" \
  "{ \"id\": \"$LONG\", $VERSION, $CUSTOMER, $START, $END, $DEVICES, $SERVICES }"
bad long_device_id "devices[0]: is 600 bytes long" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, \"devices\": [\"$LONG\"], $SERVICES }"
bad control_customer "customer: holds a control character at byte 2" \
  "{ $ID, $VERSION, \"customer\": \"gl\\u0001obex\", $START, $END, $DEVICES, $SERVICES }"
bad long_event_id "event_id: is 600 bytes long" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, $DEVICES, $SERVICES, \"event_id\": \"$LONG\" }"
printf '[{"id": "%s", "customer": "globex", "firmware": "3.0.0"}]' "$LONG" \
  >"$CASES/long-device.json"
run_onset 1 devices add "$CASES/long-device.json"
expect_contains "$ERR" "[0].id: is 600 bytes long" "devices add with a long id"

step "documents refused by the node: unknown device, stale version"
bad unknown_device "MFP-9999" \
  "{ $ID, $VERSION, $CUSTOMER, $START, $END, \"devices\": [\"MFP-9999\"], $SERVICES }"
# All or nothing: the first, valid, document is not submitted either.
bad unknown_device_second "MFP-9999" \
  "[ $(valid), { \"id\": \"C-9002\", $VERSION, $CUSTOMER, $START, $END, \"devices\": [\"MFP-9999\"], $SERVICES } ]"
bad stale_version "stale_version" "$(cat "$SAMPLES/contract-globex-device-only.json")"

step "bad device records are refused before anything is sent"
printf '%s' '[{"id": "MFP-0900", "customer": "acme", "firmware": "two"}]' \
  >"$CASES/bad-devices.json"
run_onset 1 devices add "$CASES/bad-devices.json"
expect_contains "$ERR" "[0].firmware" "devices add with a bad firmware"
run_onset 0 devices list
grep -q MFP-0900 <<<"$OUT" && fail "a refused device was registered"

step "usage errors exit 2"
run_onset 2 submit "$CASES/no-such-file.json"
run_onset 2 submit
run_onset 2 status --timeout -1
run_onset 2 status --server no-scheme:7080
run_onset 2 status --server http://127.0.0.1:99999
run_onset 2 status --token a --token-file "$CASES/no-such-file"
run_onset 2 device set-online MFP-0101 maybe
run_onset 2 frobnicate

step "bad node options are refused, naming the option"
if err=$("$NODE_BIN" --data-dir "$WORK/unused" --service-lanes 0 2>&1); then
  fail "onset-node --service-lanes 0 was accepted"
fi
expect_contains "$err" "--service-lanes" "onset-node --service-lanes 0"

step "a bad endpoints file stops the node with exit 1, naming the field"
printf 's3cret\n' >"$WORK/token"
chmod 600 "$WORK/token"
cat >"$WORK/endpoints.json" <<'JSON'
{"printers": {"url": "http://127.0.0.1:1", "token_file": "token"},
 "services": {"data_backup": {"url": "ftp://backup", "token_file": "token"},
              "*": {"url": "http://127.0.0.1:1", "token_file": "token"}}}
JSON
rc=0
err=$("$NODE_BIN" --data-dir "$WORK/unused" --http-port 0 \
  --endpoints "$WORK/endpoints.json" 2>&1) || rc=$?
[ $rc -eq 1 ] || fail "onset-node with a bad endpoints file exited with $rc"
expect_contains "$err" "services.data_backup.url: 'ftp://backup' must begin" \
  "bad endpoints file"
chmod 644 "$WORK/token"
sed -i 's|ftp://backup|http://backup|' "$WORK/endpoints.json"
rc=0
err=$("$NODE_BIN" --data-dir "$WORK/unused" --http-port 0 \
  --endpoints "$WORK/endpoints.json" 2>&1) || rc=$?
[ $rc -eq 1 ] || fail "onset-node with an open token file exited with $rc"
expect_contains "$err" "$WORK/token is accessible by group or others" \
  "open token file"

step "the catalog comes from --catalog, else \$ONSET_CATALOG"
# Else /etc/onset/catalog.json, never the source tree the build came from.
if [ ! -e /etc/onset/catalog.json ]; then
  rc=0
  err=$(env -u ONSET_CATALOG timeout 10 "$NODE_BIN" --data-dir "$WORK/unused" \
    --http-port 0 2>&1) || rc=$?
  [ $rc -eq 1 ] || fail "onset-node without a catalog exited with $rc"
  expect_contains "$err" \
    "none found: give --catalog, \$ONSET_CATALOG or /etc/onset/catalog.json" \
    "no catalog"
fi
rc=0
err=$(ONSET_CATALOG=$WORK/no-catalog.json "$NODE_BIN" --data-dir "$WORK/unused" \
  --http-port 0 2>&1) || rc=$?
[ $rc -eq 1 ] || fail "onset-node with a missing \$ONSET_CATALOG exited with $rc"
expect_contains "$err" "$WORK/no-catalog.json: cannot be read" "\$ONSET_CATALOG"
rc=0
err=$(ONSET_CATALOG=$WORK/no-catalog.json "$NODE_BIN" --data-dir "$WORK/unused" \
  --http-port 0 --catalog "$WORK/no-flag-catalog.json" 2>&1) || rc=$?
[ $rc -eq 1 ] || fail "onset-node with a missing --catalog exited with $rc"
expect_contains "$err" "$WORK/no-flag-catalog.json: cannot be read" \
  "--catalog over \$ONSET_CATALOG"

step "--version names the version and the wire and storage formats"
# Each number from its one source: CMakeLists.txt's project(), the wire
# constant and the storage format constant.
version=$(sed -nE 's/^project\(onset VERSION ([0-9.]+) .*/\1/p' "$SRC/CMakeLists.txt")
wire=$(sed -nE 's/.*constexpr uint32_t wire_version = ([0-9]+);.*/\1/p' \
  "$SRC/messages/versions.hpp")
storage=$(sed -nE 's/.*constexpr uint32_t format_version = ([0-9]+);.*/\1/p' \
  "$SRC/persistence/environment.hpp")
[ -n "$version" ] && [ -n "$wire" ] && [ -n "$storage" ] \
  || fail "version sources not found: '$version' '$wire' '$storage'"
for program in "$NODE_BIN" "$ONSET_BIN"; do
  name=$(basename "$program")
  rc=0
  out=$("$program" --version 2>&1) || rc=$?
  [ $rc -eq 0 ] || fail "$name --version exited with $rc: $out"
  [ "$out" = "$name $version (wire $wire, storage $storage)" ] \
    || fail "$name --version printed: $out"
done

step "nothing changed"
run_onset 0 status --json
[ "$OUT" = "$before" ] || fail "status changed:
before: $before
after:  $OUT"

stop_node
echo "PASS [$TEST_NAME]"
