#!/usr/bin/env bash
# onset-fleet over a real loopback socket (docs/endpoints.md): the outcome
# table (applied, already_applied, conflict, out_of_order, refused, skip),
# the token, size and body checks, SIGKILL and restart, lose_reply, a
# state-only endpoint, and `onset-fleet audit` finding a duplicate.
#
# Usage: fleet.sh ONSET_FLEET_BIN SOURCE_DIR
set -euo pipefail
FLEET_BIN=$1
SRC=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/onset-fleet.XXXXXX")
TEST_NAME=fleet
FLEET_PID=
FLEET_LOG=$WORK/fleet.log
PRINTERS=$SRC/config/samples/devices.json

fail() {
  echo "FAIL [$TEST_NAME]: $*" >&2
  if [ -s "$FLEET_LOG" ]; then
    echo "--- last lines of $FLEET_LOG:" >&2
    tail -n 20 "$FLEET_LOG" >&2
  fi
  exit 1
}

step() {
  echo "== [$TEST_NAME] $*"
}

cleanup() {
  local rc=$?
  if [ -n "$FLEET_PID" ] && kill -0 "$FLEET_PID" 2>/dev/null; then
    kill -KILL "$FLEET_PID" 2>/dev/null || true
    wait "$FLEET_PID" 2>/dev/null || true
  fi
  if [ "${ONSET_KEEP_WORK:-0}" = 1 ] || [ $rc -ne 0 ]; then
    echo "[$TEST_NAME] work directory kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "--version names the version and the formats"
version=$("$FLEET_BIN" --version) || fail "onset-fleet --version failed"
[[ $version =~ ^onset-fleet\ [0-9]+\.[0-9]+\.[0-9]+\ \(wire\ [0-9]+,\ storage\ [0-9]+\)$ ]] \
  || fail "onset-fleet --version printed: $version"

TOKEN=fleet-test-token-1
printf '%s\n' "$TOKEN" >"$WORK/token"
chmod 600 "$WORK/token"

source "$(dirname "$0")/fleet_lib.sh"

# call METHOD PATH [BODY-FILE]: sets STATUS and BODY (curl's exit status in
# CURL_RC; 0 unless the connection failed).
call() {
  local method=$1 path=$2 data=() rc=0
  [ $# -lt 3 ] || data=(--data-binary "@$3" -H 'Content-Type: application/json')
  STATUS=$(curl -sS -o "$WORK/body" -w '%{http_code}' -X "$method" \
    -H "Authorization: Bearer $TOKEN" "${data[@]}" \
    "http://127.0.0.1:$PORT$path" 2>"$WORK/curl.err") || rc=$?
  CURL_RC=$rc
  BODY=$(cat "$WORK/body" 2>/dev/null || true)
}

# be32_prefixed: each line of stdin as its length (be32) and its bytes.
be32_prefixed() {
  local LC_ALL=C field n prefix
  while IFS= read -r field; do
    n=${#field}
    prefix=$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n >> 24 & 255)) \
      $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)))
    printf "$prefix%s" "$field"
  done
}

# content_digest INSTRUCTION: the digest Onset sends with it, the SHA-256
# of the canonical content of messages/instruction_digest.cpp (bool, int
# and enum setting values only). The endpoint refuses any other digest.
content_digest() {
  {
    printf 'onset-instruction-1'
    jq -r '.kind, .device, (.contract_version | tostring), (.firmware // ""),
      ((.apps // []) | length | tostring), (.apps // [])[],
      ((.settings // {}) | length | tostring),
      ((.settings // {}) | to_entries | sort_by(.key)[]
       | .key, (.value | if type == "boolean" then "bool", (if . then "1" else "0" end)
                         elif type == "number" then "int", tostring
                         else "enum", . end))' <<<"$1" | be32_prefixed
  } | sha256sum | cut -d' ' -f1
}

# instr STREAM SEQ KIND DEVICE [EXTRA-JSON]: one instruction, with its
# digest.
instr() {
  local stream=$1 seq=$2 kind=$3 device=$4 extra=${5:-"{}"} x
  local target=${stream#*>}
  target=${target%@*}
  x=$(jq -cn --arg s "$stream" --argjson q "$seq" --arg t "$target" \
    --arg k "$kind" --arg v "$device" --argjson x "$extra" \
    '{stream:$s, seq:$q, target:$t, kind:$k, device:$v,
      contract_version:1} + $x')
  jq -c --arg d "$(content_digest "$x")" '. + {digest: $d}' <<<"$x"
}

# apply INSTRUCTION...: posts them as one batch.
apply() {
  printf '%s\n' "$@" | jq -cs '{instructions: .}' >"$WORK/req.json"
  call POST /v1/apply "$WORK/req.json"
}

# expect_outcomes OUTCOME...: the last apply answered 200 with these.
expect_outcomes() {
  [ "$STATUS" = 200 ] || fail "apply answered $STATUS: $BODY"
  local got
  got=$(jq -r '[.results[].outcome] | join(" ")' <<<"$BODY")
  [ "$got" = "$*" ] || fail "outcomes '$got', expected '$*': $BODY"
}

# apply_until NOT_AFTER INSTRUCTION...: posts them as one batch with the
# deadline NOT_AFTER.
apply_until() {
  local not_after=$1
  shift
  printf '%s\n' "$@" \
    | jq -cs --arg t "$not_after" '{not_after: $t, instructions: .}' \
      >"$WORK/req.json"
  call POST /v1/apply "$WORK/req.json"
}

# in_ms MS: the RFC 3339 UTC time MS milliseconds from now.
in_ms() {
  local ms=$(($(date +%s%3N) + $1))
  date -u -d "@$((ms / 1000)).$(printf %03d $((ms % 1000)))" \
    +%Y-%m-%dT%H:%M:%S.%3NZ
}

S1='C-1>device/MFP-0001'
FW=$(instr "$S1" 1 firmware MFP-0001 '{"firmware":"3.2.1"}')
APPS=$(instr "$S1" 2 apps MFP-0001 '{"apps":["backup-agent"]}')
SET=$(instr "$S1" 3 settings MFP-0001 '{"settings":{"backup.enabled":true}}')
D1=$WORK/data

step "a token file others may read is refused, naming it"
cp "$WORK/token" "$WORK/open-token"
chmod 644 "$WORK/open-token"
rc=0
"$FLEET_BIN" --data-dir "$WORK/never" --token-file "$WORK/open-token" \
  --port 0 >"$WORK/refused.log" 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "onset-fleet with a 644 token file exited $rc"
grep -qF "$WORK/open-token" "$WORK/refused.log" \
  || fail "the refusal does not name the token file: $(cat "$WORK/refused.log")"

step "a non-loopback address without TLS is refused"
rc=0
"$FLEET_BIN" --data-dir "$WORK/never" --token-file "$WORK/token" \
  --listen 0.0.0.0 --port 0 >"$WORK/refused.log" 2>&1 || rc=$?
[ $rc -eq 2 ] && grep -q 'not a loopback address' "$WORK/refused.log" \
  || fail "--listen 0.0.0.0 without TLS: exit $rc, $(cat "$WORK/refused.log")"
[ ! -e "$WORK/never" ] || fail "a refused start created its data directory"

step "client certificates without TLS are refused"
rc=0
"$FLEET_BIN" --data-dir "$WORK/never" --token-file "$WORK/token" \
  --client-ca "$WORK/token" --port 0 >"$WORK/refused.log" 2>&1 || rc=$?
[ $rc -eq 2 ] && grep -q 'client-ca needs --tls-cert' "$WORK/refused.log" \
  || fail "--client-ca without TLS: exit $rc, $(cat "$WORK/refused.log")"
[ ! -e "$WORK/never" ] || fail "a refused start created its data directory"

start_fleet "$D1"

step "every route wants the token"
STATUS=$(curl -sS -o "$WORK/body" -w '%{http_code}' \
  "http://127.0.0.1:$PORT/v1/health")
[ "$STATUS" = 401 ] || fail "health without a token answered $STATUS"
jq -e '.error == "unauthorized"' "$WORK/body" >/dev/null \
  || fail "401 body: $(cat "$WORK/body")"
STATUS=$(curl -sS -o "$WORK/body" -w '%{http_code}' -X POST \
  -H 'Authorization: Bearer wrong' --data-binary '{}' \
  "http://127.0.0.1:$PORT/v1/apply")
[ "$STATUS" = 401 ] || fail "apply with a wrong token answered $STATUS"
call GET /v1/health
[ "$STATUS" = 200 ] && jq -e '.protocol == "v1" and .idempotent == true' \
  <<<"$BODY" >/dev/null || fail "health: $STATUS $BODY"

step "apply, resend, conflict, out of order"
apply "$FW"
expect_outcomes applied
jq -e '.results[0].state.firmware == "3.2.1"' <<<"$BODY" >/dev/null \
  || fail "applied state: $BODY"
apply "$FW"
expect_outcomes already_applied
apply "$(instr "$S1" 1 firmware MFP-0001 '{"firmware":"3.3.0"}')"
expect_outcomes conflict
apply "$SET"
expect_outcomes out_of_order
jq -e '.results[0].expected_seq == 2' <<<"$BODY" >/dev/null \
  || fail "out_of_order without expected_seq 2: $BODY"

step "a refused instruction does not move the stream; a skip does"
S2='C-2>device/MFP-0003'
apply "$(instr "$S2" 1 apps MFP-0003 '{"apps":["no-such-app"]}')"
expect_outcomes refused
jq -e '.results[0].reason | test("unknown application")' <<<"$BODY" \
  >/dev/null || fail "refusal reason: $BODY"
apply "$(instr "$S2" 2 firmware MFP-0003 '{"firmware":"3.2.1"}')"
expect_outcomes out_of_order
apply "$(instr "$S2" 1 skip MFP-0003)"
expect_outcomes applied
apply "$(instr "$S2" 2 firmware MFP-0003 '{"firmware":"3.2.1"}')"
expect_outcomes applied

step "a batch of one stream is applied in order"
apply "$APPS" "$SET"
expect_outcomes applied applied
jq -e '.results[1].state.settings["backup.enabled"] == true' <<<"$BODY" \
  >/dev/null || fail "settings not applied: $BODY"

step "unknown printers are refused, prepare included"
apply "$(instr 'C-3>device/MFP-9999' 1 firmware MFP-9999 '{"firmware":"3.2.1"}')" \
  "$(instr 'C-3>service/data_backup@MFP-9999' 1 prepare MFP-9999 '{"settings":{}}')"
expect_outcomes refused refused
jq -e 'all(.results[]; .reason | test("unknown printer"))' <<<"$BODY" \
  >/dev/null || fail "unknown printer reasons: $BODY"

step "service steps"
S4='C-4>service/data_backup@MFP-0001'
apply "$(instr "$S4" 1 activate MFP-0001)"
expect_outcomes refused
apply "$(instr "$S4" 1 prepare MFP-0001 '{"settings":{"backup_period":"daily"}}')" \
  "$(instr "$S4" 2 activate MFP-0001)"
expect_outcomes applied applied
call GET /v1/services/data_backup/printers/MFP-0001
[ "$STATUS" = 200 ] && jq -e '.registered and .active
  and .settings.backup_period == "daily" and .streams[$s] == 2' \
  --arg s "$S4" <<<"$BODY" >/dev/null || fail "service state: $STATUS $BODY"

step "reads"
call GET /v1/printers/MFP-0001
[ "$STATUS" = 200 ] && jq -e --arg s "$S1" '.firmware == "3.2.1"
  and .apps == ["backup-agent"] and .streams[$s] == 3' <<<"$BODY" >/dev/null \
  || fail "printer state: $STATUS $BODY"
call GET /v1/printers/MFP-9999
[ "$STATUS" = 404 ] || fail "an unknown printer answered $STATUS"
printf '%s' '{"targets":[{"target":"device/MFP-0002"},{"target":"device/MFP-9999"}]}' \
  >"$WORK/read.json"
call POST /v1/read "$WORK/read.json"
[ "$STATUS" = 200 ] && jq -e '.targets[0].firmware == "3.2.1"
  and .targets[1].known == false' <<<"$BODY" >/dev/null \
  || fail "read: $STATUS $BODY"

step "bad bodies: malformed JSON, a missing field, too large"
printf '{"instructions": [' >"$WORK/bad.json"
call POST /v1/apply "$WORK/bad.json"
[ "$STATUS" = 400 ] && jq -e '.error == "bad_request"' <<<"$BODY" >/dev/null \
  || fail "malformed JSON answered $STATUS: $BODY"
jq -c 'del(.seq)' <<<"$FW" | jq -cs '{instructions: .}' >"$WORK/bad.json"
call POST /v1/apply "$WORK/bad.json"
[ "$STATUS" = 400 ] && jq -e '.message | test("seq")' <<<"$BODY" >/dev/null \
  || fail "a missing seq answered $STATUS: $BODY"
for i in $(seq 257); do echo "$FW"; done | jq -cs '{instructions: .}' \
  >"$WORK/big.json"
call POST /v1/apply "$WORK/big.json"
[ "$STATUS" = 413 ] || fail "257 instructions answered $STATUS: $BODY"
head -c 9000000 /dev/zero | tr '\0' ' ' >"$WORK/huge.json"
call POST /v1/apply "$WORK/huge.json"
[ "$STATUS" = 413 ] && jq -e '.error == "too_large"' <<<"$BODY" >/dev/null \
  || fail "a 9 MB body answered $STATUS: $BODY"
call GET /v1/health
[ "$STATUS" = 200 ] || fail "the server no longer answers after bad bodies"

step "at its stop it logs the applies and reads it performed"
# 12 applies with 15 instructions and one read of 2 targets answered 200
# above; the bodies refused with 400 and 413 are not counted.
stop_fleet
grep -q 'fleet\.stopped applies=12 instructions=15 reads=1 read_targets=2' \
  "$FLEET_LOG" || fail "totals at stop: $(grep 'fleet\.stopped' "$FLEET_LOG")"
start_fleet "$D1"

step "SIGKILL, restart: the state and the idempotency records are kept"
kill_fleet
start_fleet "$D1"
call GET /v1/printers/MFP-0001
jq -e '.firmware == "3.2.1" and .apps == ["backup-agent"]' <<<"$BODY" \
  >/dev/null || fail "state after restart: $BODY"
apply "$FW" "$APPS"
expect_outcomes already_applied already_applied
grep -q 'printers_added=0' "$FLEET_LOG" \
  || fail "the restart registered the printers again"
stop_fleet

step "--refuse and --fail"
start_fleet "$D1" --refuse MFP-0002 --fail 0
apply "$(instr 'C-5>device/MFP-0002' 1 firmware MFP-0002 '{"firmware":"3.3.0"}')"
expect_outcomes refused
jq -e '.results[0].reason | test("--refuse")' <<<"$BODY" >/dev/null \
  || fail "refuse reason: $BODY"
stop_fleet
start_fleet "$D1" --fail 1
apply "$(instr 'C-5>device/MFP-0101' 1 firmware MFP-0101 '{"firmware":"3.3.0"}')"
[ "$STATUS" = 503 ] || fail "--fail 1 answered $STATUS"
call GET /v1/printers/MFP-0101
[ "$(jq -r .firmware <<<"$BODY")" = 2.6.3 ] \
  || fail "a 503 apply changed the printer: $BODY"
stop_fleet

step "--lose-reply: applied and committed, no byte of an answer"
start_fleet "$D1" --lose-reply 1
S6='C-6>device/MFP-0101'
apply "$(instr "$S6" 1 firmware MFP-0101 '{"firmware":"3.3.0"}')"
[ "$CURL_RC" = 52 ] || fail "curl exit $CURL_RC (52: empty reply expected), status $STATUS: $(cat "$WORK/curl.err")"
call GET /v1/printers/MFP-0101
jq -e --arg s "$S6" '.firmware == "3.3.0" and .streams[$s] == 1' \
  <<<"$BODY" >/dev/null || fail "the lost reply's effect is missing: $BODY"
kill_fleet
start_fleet "$D1"
apply "$(instr "$S6" 1 firmware MFP-0101 '{"firmware":"3.3.0"}')"
expect_outcomes already_applied
stop_fleet

step "audit of the idempotent endpoint: clean"
rc=0
"$FLEET_BIN" audit --data-dir "$D1" --json >"$WORK/audit.json" || rc=$?
[ $rc -eq 0 ] || fail "audit exited $rc: $(cat "$WORK/audit.json")"
jq -e --arg s "$S1" '.clean and .totals.duplicated == 0
  and .totals.conflicts == 1
  and (.streams[] | select(.stream == $s) | .effects == 3)' \
  "$WORK/audit.json" >/dev/null || fail "audit: $(cat "$WORK/audit.json")"

step "state-only: every instruction applied, the audit finds the duplicate"
D2=$WORK/data-state-only
start_fleet "$D2" --state-only
call GET /v1/health
jq -e '.idempotent == false' <<<"$BODY" >/dev/null || fail "health: $BODY"
S7='C-7>device/MFP-0003'
apply "$(instr "$S7" 1 firmware MFP-0003 '{"firmware":"3.2.1"}')"
expect_outcomes applied
apply "$(instr "$S7" 1 firmware MFP-0003 '{"firmware":"3.2.1"}')"
expect_outcomes applied
apply "$(instr "$S7" 3 firmware MFP-0003 '{"firmware":"3.2.1"}')"
expect_outcomes applied
jq -e '.results[0].state.streams == null or .results[0].state.streams == {}' \
  <<<"$BODY" >/dev/null || fail "a state-only endpoint reported streams: $BODY"
rc=0
"$FLEET_BIN" audit --data-dir "$D2" --json >"$WORK/audit2.json" || rc=$?
[ $rc -eq 1 ] || fail "audit of a duplicate exited $rc"
jq -e --arg s "$S7" '.clean == false
  and (.streams[] | select(.stream == $s)
       | .duplicated == [1] and .effects == 3 and .gaps == [])' \
  "$WORK/audit2.json" >/dev/null || fail "audit2: $(cat "$WORK/audit2.json")"
stop_fleet

step "deadlines: an apply held past its not_after is not performed"
D3=$WORK/data-deadline
start_fleet "$D3" --state-only --latency 1000
S8='C-8>device/MFP-0101'
FW8=$(instr "$S8" 1 firmware MFP-0101 '{"firmware":"3.3.0"}')
call GET /v1/printers/MFP-0101
BEFORE=$(jq -r .firmware <<<"$BODY")
[ "$BEFORE" != 3.3.0 ] || fail "MFP-0101 already runs 3.3.0"
# Valid when it arrives, passed once the request waited its second.
apply_until "$(in_ms 300)" "$FW8"
expect_outcomes retry_later
jq -e '.results[0].reason | startswith("deadline_passed")' <<<"$BODY" \
  >/dev/null || fail "reason of a late apply: $BODY"
grep -q "fleet\.deadline_passed stream=$S8 seq=1" "$FLEET_LOG" \
  || fail "no fleet.deadline_passed logged"
call GET /v1/printers/MFP-0101
[ "$(jq -r .firmware <<<"$BODY")" = "$BEFORE" ] \
  || fail "a late apply changed the printer: $BODY"
apply_until "$(in_ms 10000)" "$FW8"
expect_outcomes applied
apply_until "tomorrow" "$FW8"
[ "$STATUS" = 400 ] && jq -e '.message | startswith("not_after")' \
  <<<"$BODY" >/dev/null || fail "a bad not_after answered $STATUS: $BODY"
stop_fleet
"$FLEET_BIN" audit --data-dir "$D3" --json >"$WORK/audit3.json" \
  || fail "audit after the late apply: $(cat "$WORK/audit3.json")"
jq -e --arg s "$S8" '(.streams[] | select(.stream == $s) | .effects == 1)' \
  "$WORK/audit3.json" >/dev/null || fail "audit3: $(cat "$WORK/audit3.json")"

echo "ok [$TEST_NAME]"
