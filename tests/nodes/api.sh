#!/usr/bin/env bash
# The HTTP API (docs/api.md) through a real HTTP client (curl): tokens and
# roles, customer scopes that answer 404 for what a token may not see, the
# routes, bad input that changes nothing, the listener's safe defaults and
# HTTPS. Then `onset` over it: without a token, with a viewer's, over HTTPS
# (docs/cli.md, "Talking to the node").
source "$(dirname "$0")/lib.sh" "$@"

start_node
for _ in $(seq 50); do [ -s "$DATA/http.port" ] && break; sleep 0.1; done
API=http://127.0.0.1:$(cat "$DATA/http.port")
ADMIN=$(cat "$DATA/admin.token")
[ "$(stat -c %a "$DATA/admin.token")" = 600 ] || fail "admin.token not 0600"

# call TOKEN METHOD PATH [CURL ARGS...]: sets STATUS and BODY.
call() {
  local token=$1 method=$2 path=$3 out
  shift 3
  out=$(curl -sS -X "$method" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' -w '\n%{http_code}' "$@" \
    "$API$path") || fail "curl $method $path failed"
  STATUS=${out##*$'\n'}
  BODY=${out%$'\n'*}
}
expect() {
  [ "$STATUS" = "$1" ] || fail "$2: status $STATUS, not $1: $BODY"
  [ -z "${3:-}" ] || expect_contains "$BODY" "$3" "$2"
}
token() { "$NODE_BIN" token --data-dir "$DATA" create "$@"; }

step "no token, a bad token: 401"
call "" GET /v1/contracts
expect 401 "no token" '"error":"unauthorized"'
call onset_0000000000000000000000000000000000000000000000000000000000000000 \
  GET /v1/contracts
expect 401 "unknown token"

step "admin registers the printers and submits a globex contract"
call "$ADMIN" POST /v1/printers --data-binary "@$SAMPLES/devices.json"
expect 200 "register" '"registered":6'
call "$ADMIN" POST /v1/contracts \
  --data-binary "@$SAMPLES/contract-globex-device-only.json"
expect 200 "submit globex" '"result":"accepted"'

step "roles: a viewer reads but may not post (403)"
VIEWER=$(token viewer --role viewer) || fail "token viewer"
call "$VIEWER" GET /v1/contracts/C-2001
expect 200 "viewer reads" '"id":"C-2001"'
call "$VIEWER" POST /v1/contracts/C-2001/cancel -d ''
expect 403 "viewer cancels" '"error":"forbidden"'

step "a billing token limited to acme"
BILLING=$(token billing-acme --role billing --customer acme) || fail "token"
call "$BILLING" POST /v1/contracts \
  --data-binary "@$SAMPLES/contract-acme-backup.json"
expect 200 "billing submits acme" '"result":"accepted"'
call "$BILLING" GET /v1/contracts/C-2001
expect 404 "billing reads globex" '"error":"unknown_contract"'
foreign=$BODY
call "$BILLING" GET /v1/contracts/C-9999
expect 404 "billing reads an unknown contract"
[ "${foreign//C-2001/X}" = "${BODY//C-9999/X}" ] \
  || fail "another customer's contract is told apart from an unknown one: $foreign / $BODY"
call "$BILLING" POST /v1/contracts/C-2001/cancel -d ''
expect 404 "billing cancels globex"
call "$BILLING" POST /v1/contracts \
  --data-binary "@$SAMPLES/contract-globex-device-only.json"
expect 403 "billing submits for globex" '"field":"customer"'
call "$BILLING" GET /v1/contracts
expect 200 "billing lists" '"id":"C-1001"'
[[ $BODY != *C-2001* ]] || fail "billing lists globex's contract: $BODY"
call "$BILLING" GET /v1/printers/MFP-0101
expect 404 "billing reads a globex printer" '"error":"unknown_device"'
call "$BILLING" POST /v1/printers/MFP-0001/online -d '{"online": false}'
expect 403 "billing switches a printer"
call "$ADMIN" GET /v1/contracts/C-2001
expect 200 "globex's contract untouched" '"state":"active"'

step "onset without a token: exit 1, unauthorized"
node_data=$ONSET_DATA_DIR
unset ONSET_DATA_DIR
cd "$WORK" # no ./onset-data/admin.token here
run_onset 1 status
expect_contains "$ERR" "onset: refused: unauthorized: " "onset without a token"
expect_contains "$ERR" "no token was found" "onset without a token"
run_onset 1 status --token-file "$WORK/no-such.token"
expect_contains "$ERR" "--token-file: $WORK/no-such.token cannot be read" \
  "onset with a missing token file"
run_onset 1 status --data-dir "$WORK"
expect_contains "$ERR" "--data-dir: $WORK/admin.token cannot be read" \
  "onset with a data directory without admin.token"
cd - >/dev/null
export ONSET_DATA_DIR=$node_data

step "onset with a viewer's token: reads, may not change (exit 1, forbidden)"
printf '%s\n' "$VIEWER" >"$WORK/viewer.token"
run_onset 0 status C-2001 --token-file "$WORK/viewer.token"
expect_contains "$OUT" "contract C-2001" "a viewer's onset status"
run_onset 1 submit "$SAMPLES/contract-initech-cloud.json" --token "$VIEWER"
expect_contains "$ERR" "onset: refused: forbidden: role viewer may not submit" \
  "a viewer's onset submit"
ONSET_TOKEN=$VIEWER run_onset 1 cancel C-2001
expect_contains "$ERR" "onset: refused: forbidden" "a viewer's onset cancel"
run_onset 1 status C-2001 --token "$BILLING"
expect_contains "$ERR" "onset: refused: unknown_contract" \
  "another customer's contract through onset"
run_onset 0 status C-2001
expect_contains "$OUT" "active" "C-2001 after the refusals"

step "contracts: one, history paged, plan, cancel, retry"
call "$ADMIN" GET /v1/contracts/C-1001
expect 200 "one" '"steps"'
call "$ADMIN" GET "/v1/contracts/C-1001/history?limit=1"
expect 200 "history page 1" '"next_cursor":"1"'
call "$ADMIN" GET "/v1/contracts/C-1001/history?cursor=1&limit=1000"
expect 200 "history page 2" '"next_cursor":null'
call "$ADMIN" GET /v1/contracts/C-1001/plan
expect 200 "plan" '"steps":['
call "$ADMIN" POST /v1/contracts/C-1001/retry -d ''
expect 200 "retry of a contract not degraded changes nothing" '"state":"active"'
call "$ADMIN" POST /v1/contracts --data-binary @<(sed 's/2036/2037/; s/evt-0001/evt-0002/' \
  "$SAMPLES/contract-acme-backup.json")
expect 409 "another version 1" '"error":"stale_version"'
call "$BILLING" POST /v1/contracts/C-1001/cancel
expect 400 "a POST without a length" '"field":"Content-Length"'
call "$BILLING" POST /v1/contracts/C-1001/cancel -d ''
expect 200 "billing cancels acme" '"id":"C-1001"'
call "$ADMIN" GET "/v1/contracts/C-1001/history?limit=1000"
expect 200 "the history names who submitted" ' new devices=2 by=billing-acme'
expect_contains "$BODY" 'reason=cancelled by=billing-acme' \
  "the history names who cancelled"
call "$ADMIN" GET "/v1/contracts?customer=acme&state=ended"
for _ in $(seq 50); do
  [[ $BODY == *C-1001* ]] && break
  sleep 0.1
  call "$ADMIN" GET "/v1/contracts?customer=acme&state=ended"
done
expect 200 "cancelled contract listed as ended" '"id":"C-1001"'

step "idempotent submission by Idempotency-Key"
doc='{"id": "C-3001", "version": 1, "customer": "acme",
  "start": "2030-01-01T00:00:00Z", "end": "2031-01-01T00:00:00Z",
  "devices": ["MFP-0003"], "services": {"failure_prediction": {}}}'
call "$ADMIN" POST /v1/contracts -H 'Idempotency-Key: ev-1' -d "$doc"
expect 200 "first" '"result":"accepted"'
call "$ADMIN" POST /v1/contracts -H 'Idempotency-Key: ev-1' -d "$doc"
expect 200 "second" '"result":"duplicate"'

step "printers: paged, filtered, one, online, at a service"
call "$ADMIN" GET "/v1/printers?limit=2"
expect 200 "page 1" '"next_cursor":"MFP-0002"'
call "$ADMIN" GET "/v1/printers?cursor=MFP-0002&limit=1000&customer=globex"
expect 200 "page 2" '"id":"MFP-0101"'
[[ $BODY != *MFP-0003* ]] || fail "customer filter: $BODY"
call "$ADMIN" GET "/v1/printers?firmware_below=3.0.0"
expect 200 "firmware below" '"printers":['
call "$ADMIN" POST /v1/printers/MFP-0003/online -d '{"online": false}'
expect 200 "offline" '"online":false'
call "$ADMIN" GET "/v1/printers?online=false"
expect 200 "offline filter" '"id":"MFP-0003"'
call "$ADMIN" GET /v1/services/failure_prediction/printers/MFP-0101
expect 200 "service view" '"service":"failure_prediction"'
call "$ADMIN" GET /v1/catalog
expect 200 "catalog" '"services"'

step "printers: update and decommission, refused while a contract holds them"
call "$ADMIN" PATCH /v1/printers/MFP-0003 -d '{"model": "imageRUNNER C5870"}'
expect 409 "update a printer of a scheduled contract" '"error":"wrong_state"'
expect_contains "$BODY" "C-3001 (scheduled)" "the refusal names the contract"
call "$ADMIN" DELETE /v1/printers/MFP-0003
expect 409 "decommission a printer of a scheduled contract" 'C-3001'
call "$ADMIN" GET /v1/printers/MFP-0003
expect 200 "the refused printer" '"model":"imageRUNNER 2630"'
run_onset 1 device decommission MFP-0003
expect_contains "$ERR" "onset: refused: wrong_state: printer MFP-0003 is in contracts that have not ended: C-3001 (scheduled)" \
  "onset device decommission of a held printer"
run_onset 2 device update MFP-0002
run_onset 0 device update MFP-0002 --model "imageRUNNER C5870"
expect_contains "$OUT" "MFP-0002 updated" "onset device update"
run_onset 0 device show MFP-0002 --json
expect_contains "$OUT" '"model": "imageRUNNER C5870"' "the model onset changed"
call "$ADMIN" GET "/v1/contracts?device=MFP-0003"
expect 200 "contracts naming MFP-0003" '"id":"C-3001"'
call "$ADMIN" PATCH /v1/printers/MFP-0001 -d '{"colour": "red"}'
expect 422 "an unknown field" '"field":"colour"'
call "$ADMIN" PATCH /v1/printers/MFP-0001 -d '{}'
expect 422 "nothing to change" '"field":"body"'
call "$ADMIN" PATCH /v1/printers/MFP-0001 -d '{"customer": 7}'
expect 422 "a customer that is not a string" '"field":"customer"'
call "$VIEWER" PATCH /v1/printers/MFP-0001 -d '{"model": "x"}'
expect 403 "a viewer updates" '"error":"forbidden"'
OPS=$(token ops-acme --role operator --customer acme) || fail "token ops-acme"
call "$OPS" PATCH /v1/printers/MFP-0101 -d '{"model": "x"}'
expect 404 "an acme operator updates a globex printer" '"error":"unknown_device"'
call "$OPS" DELETE /v1/printers/MFP-0101
expect 404 "an acme operator decommissions a globex printer"
call "$OPS" PATCH /v1/printers/MFP-0001 -d '{"customer": "globex"}'
expect 403 "an acme operator moves a printer to globex" '"field":"customer"'
call "$OPS" PATCH /v1/printers/MFP-0001 -d '{"model": "imageRUNNER C5870"}'
expect 200 "update a printer of an ended contract" \
  '"model":"imageRUNNER C5870"'
call "$ADMIN" GET /v1/printers/MFP-0001
expect 200 "the updated printer" '"model":"imageRUNNER C5870"'
expect_contains "$BODY" '"customer":"acme"' "the customer stays"
call "$OPS" DELETE /v1/printers/MFP-0001
expect 200 "decommission" '"decommissioned":true'
call "$ADMIN" GET /v1/printers/MFP-0001
expect 404 "a decommissioned printer" '"error":"unknown_device"'
call "$ADMIN" GET "/v1/contracts?device=MFP-0001"
expect 200 "its ended contract stays" '"id":"C-1001"'
call "$ADMIN" POST /v1/printers -d '{"id": "MFP-0001", "customer": "acme",
  "model": "imageRUNNER C3326", "firmware": "2.4.0", "apps": []}'
expect 200 "registered again" '"registered":1'
call "$ADMIN" GET /v1/printers/MFP-0001
expect 200 "registered again, its streams' watermarks kept" \
  '"contract":"C-1001"'

step "the event feed: every change in order, scoped, paged by a cursor"
call "$ADMIN" GET "/v1/events?contract=C-1001&limit=1000"
expect 200 "C-1001's events" '"type":"contract.accepted"'
types=$(printf '%s' "$BODY" | grep -o '"type":"[a-z.]*"' | tr '\n' ' ')
[ "$types" = '"type":"contract.accepted" "type":"contract.provisioning" "type":"contract.active" "type":"contract.deprovisioning" "type":"contract.ended" ' ] \
  || fail "C-1001's events in order: $types"
expect_contains "$BODY" '"by":"billing-acme"' "the feed names who changed"
call "$BILLING" GET "/v1/events?limit=1000"
expect 200 "billing reads the feed" '"customer":"acme"'
[[ $BODY != *globex* ]] || fail "billing reads globex's events: $BODY"
call "$ADMIN" GET "/v1/events?limit=2"
expect 200 "a first page" '"more":true'
first=$(printf '%s' "$BODY" | grep -o '"next":"[^"]*"' | cut -d'"' -f4)
call "$ADMIN" GET "/v1/events?limit=1000&after=$first"
expect 200 "the next page" '"events":['
run_onset 0 events --contract C-1001
expect_contains "$OUT" "contract.ended C-1001 v1 deprovisioning->ended (all steps acknowledged)" \
  "onset events"
expect_contains "$ERR" "next: " "onset events says where to go on"
run_onset 0 events --json --type contract.accepted --token "$BILLING"
expect_contains "$OUT" '"type":"contract.accepted"' "onset events --json"
[[ $OUT != *globex* ]] || fail "onset events shows billing globex's: $OUT"
call "$ADMIN" GET "/v1/events?after=nonsense"
expect 400 "a bad cursor" '"field":"after"'
call "$ADMIN" GET "/v1/events?limit=1000"
end=$(printf '%s' "$BODY" | grep -o '"next":"[^"]*"' | cut -d'"' -f4)
began=$(date +%s%N)
call "$ADMIN" GET "/v1/events?after=$end&wait=1"
expect 200 "a long poll at the end" '"events":[]'
[ $(( ($(date +%s%N) - began) / 1000000 )) -ge 900 ] \
  || fail "the long poll did not wait for new events"

step "bad input: a clear 4xx, nothing changed"
before=$(curl -sS -H "Authorization: Bearer $ADMIN" "$API/v1/contracts")
call "$ADMIN" POST /v1/contracts -d '{"id": '
expect 400 "malformed" '"field":"body"'
call "$ADMIN" POST /v1/contracts -d "$(printf '[%.0s' $(seq 100))"
expect 400 "deep nesting" 'nested deeper'
call "$ADMIN" POST /v1/contracts --data-binary $'{"id": "\xff"}'
expect 400 "invalid UTF-8" 'not valid UTF-8'
call "$ADMIN" POST /v1/contracts -d "${doc/\"version\"/\"colour\": 1, \"version\"}"
expect 422 "unknown field" '"error":"invalid_input"'
call "$ADMIN" POST /v1/contracts -d "[$(printf '{},%.0s' $(seq 1000)){}]"
expect 413 "1001 documents" '"error":"too_large"'
head -c 5000000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
call "$ADMIN" POST /v1/contracts --data-binary "@$WORK/big.json"
expect 413 "a body over the limit" '"error":"too_large"'
call "$ADMIN" GET "/v1/contracts?limit=0"
expect 400 "limit 0" '"field":"limit"'
call "$ADMIN" GET /v1/nothing
expect 404 "no route"
after=$(curl -sS -H "Authorization: Bearer $ADMIN" "$API/v1/contracts")
[ "$before" = "$after" ] || fail "bad input changed the contracts"

step "slow clients: a 400 after the read timeout, others served meanwhile"
PORT=$(cat "$DATA/http.port")
exec 5<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET /v1/contracts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n' \
  "$ADMIN" >&5
exec 6<>"/dev/tcp/127.0.0.1/$PORT"
printf 'POST /v1/contracts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id": "C-9001", ' \
  "$ADMIN" >&6
began=$SECONDS
call "$ADMIN" GET /v1/catalog
expect 200 "served beside two stalled clients"
slow_head=$(timeout 30 cat <&5) || fail "the stalled head was not closed"
expect_contains "$slow_head" "HTTP/1.1 400" "a head that never ends"
expect_contains "$slow_head" "did not arrive within 10 s" "a head that never ends"
slow_body=$(timeout 30 cat <&6) || fail "the stalled body was not closed"
expect_contains "$slow_body" '"field":"body"' "a body that never ends"
exec 5>&- 6>&-
[ $((SECONDS - began)) -lt 20 ] || fail "stalled clients held for $((SECONDS - began)) s"
call "$ADMIN" GET /v1/contracts/C-9001
expect 404 "nothing of the stalled body was stored"

step "onset lists follow the pages: 1006 printers, pages of at most 1000"
jq -n '[range(1; 1001) | {id: ("P-\(. + 10000)"), customer: "acme",
  firmware: "2.4.0"}]' >"$WORK/many.json"
run_onset 0 devices add "$WORK/many.json"
run_onset 0 devices list --json
[ "$(jq length <<<"$OUT")" = 1006 ] \
  || fail "onset devices list shows $(jq length <<<"$OUT") of 1006 printers"
[ "$(jq -r '.[-1].id' <<<"$OUT")" = P-11000 ] || fail "the last page is missing"

step "a revoked token is refused at once"
"$NODE_BIN" token --data-dir "$DATA" revoke viewer >/dev/null
call "$VIEWER" GET /v1/contracts
expect 401 "revoked"
stop_node

step "beyond loopback only with TLS"
rc=0
out=$("$NODE_BIN" --data-dir "$WORK/open" --http-port 0 \
  --http-host 0.0.0.0 2>&1) || rc=$?
[ $rc -eq 1 ] || fail "plain HTTP on 0.0.0.0 exited $rc"
expect_contains "$out" "api.refused" "plain HTTP beyond loopback"
expect_contains "$out" "--tls-cert" "plain HTTP beyond loopback"

step "HTTPS"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null \
  || fail "openssl could not make a certificate"
start_node --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem"
for _ in $(seq 50); do [ -s "$DATA/http.port" ] && break; sleep 0.1; done
API=https://127.0.0.1:$(cat "$DATA/http.port")
call "$ADMIN" GET /v1/contracts/C-2001 --cacert "$WORK/cert.pem"
expect 200 "over HTTPS" '"id":"C-2001"'
[[ $ONSET_SERVER == https://* ]] || fail "start_node did not take https"
run_onset 0 status C-2001 --cacert "$WORK/cert.pem"
expect_contains "$OUT" "contract C-2001" "onset over HTTPS"
run_onset 3 status C-2001
expect_contains "$ERR" "cannot reach the server at $ONSET_SERVER: TLS" \
  "onset over HTTPS without --cacert"
run_onset 3 status C-2001 --server "http${ONSET_SERVER#https}"
expect_contains "$ERR" "server at http${ONSET_SERVER#https}" \
  "onset speaking plain HTTP to the HTTPS port"
curl -sS --cacert "$WORK/cert.pem" "http${API#https}/v1/catalog" \
  >/dev/null 2>&1 && fail "plain HTTP answered on the HTTPS port"
stop_node
echo "PASS [$TEST_NAME]"
