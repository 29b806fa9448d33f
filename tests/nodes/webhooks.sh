#!/usr/bin/env bash
# Webhooks (docs/events.md, "Webhooks"): a subscriber (a real HTTP server,
# tests/support/webhook_subscriber.py) receives, for contracts provisioned
# and renewed, every event of the feed in order, each signature verifies,
# and after a SIGKILL of the node mid-delivery no event is missing
# (duplicates allowed, counted). A subscriber that refuses at first gets
# every event it wants once it accepts; one that always fails, redirects,
# never answers in time or answers a huge body is marked failing with a
# clear error, and provisioning does not wait for it. HTTPS subscribers are
# verified against the subscription's CA file. Bad subscriptions are
# refused naming the field; a viewer may not subscribe.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"

SECRET=$WORK/secret
printf 'a-webhook-secret-of-some-length\n' >"$SECRET"
RECEIVED=$WORK/received.jsonl
: >"$RECEIVED"
python3 "$SRC/tests/support/webhook_subscriber.py" \
  "$(head -n1 "$SECRET")" "$RECEIVED" "$WORK/subscriber.port" &
EXTRA_PIDS+=($!)
for _ in $(seq 100); do [ -s "$WORK/subscriber.port" ] && break; sleep 0.1; done
[ -s "$WORK/subscriber.port" ] || fail "the subscriber did not start"
HOOK=http://127.0.0.1:$(cat "$WORK/subscriber.port")

NODE_OPTS=(--webhook-first-backoff 100 --webhook-max-backoff 400
           --webhook-failing-after 1500 --webhook-timeout 500)
start_node "${NODE_OPTS[@]}"

# api METHOD PATH [BODY]: curl with the admin token; the status in CODE,
# the answer in BODY_OUT.
api() {
  local args=(-s -o "$WORK/api.out" -w '%{http_code}' -X "$1"
              -H "Authorization: Bearer $(cat "$DATA/admin.token")")
  [ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' --data "$3")
  CODE=$(curl "${args[@]}" "$ONSET_SERVER$2")
  BODY_OUT=$(cat "$WORK/api.out")
}

step "bad subscriptions are refused naming the field, nothing stored"
run_onset 1 webhooks add ftp://example.com/x --secret-file "$SECRET"
expect_contains "$ERR" "url: not http:// or https://" "ftp url"
secret=$(head -n1 "$SECRET")
# refused FIELD WHAT BODY: POST /v1/webhooks BODY is refused with 422
# naming FIELD.
refused() {
  api POST /v1/webhooks "$3"
  [ "$CODE" = 422 ] && jq -e --arg f "$1" '.field == $f' <<<"$BODY_OUT" >/dev/null \
    || fail "$2: $CODE $BODY_OUT"
}
refused 'events[0]' "unknown event type" \
  "{\"url\":\"$HOOK/ok\",\"secret\":\"$secret\",\"events\":[\"contract.exploded\"]}"
refused secret "short secret" "{\"url\":\"$HOOK/ok\",\"secret\":\"short\"}"
refused colour "unknown field" \
  "{\"url\":\"$HOOK/ok\",\"secret\":\"$secret\",\"colour\":1}"
refused url "url with user information" \
  "{\"url\":\"http://user@host/x\",\"secret\":\"$secret\"}"
refused ca_file "ca_file for http" \
  "{\"url\":\"http://127.0.0.1/x\",\"secret\":\"$secret\",\"ca_file\":\"/etc/hostname\"}"
run_onset 0 webhooks list --json
[ "$OUT" = "[]" ] || fail "a refused subscription was stored: $OUT"

step "a viewer may not subscribe (403), nor list (403)"
VIEWER=$("$NODE_BIN" token --data-dir "$DATA" create watcher --role viewer)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $VIEWER" \
  "$ONSET_SERVER/v1/webhooks")
[ "$code" = 403 ] || fail "viewer lists webhooks: $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$ONSET_SERVER/v1/webhooks")
[ "$code" = 401 ] || fail "no token: $code"

step "subscribe: every event (slow subscriber), contract.active only (refuses 5 times first), and four that fail"
run_onset 0 webhooks add "$HOOK/slow" --secret-file "$SECRET"
ALL=$OUT
run_onset 0 webhooks add "$HOOK/flaky" --events contract.active \
  --secret-file "$SECRET"
FLAKY=$OUT
run_onset 0 webhooks add "$HOOK/fail" --secret-file "$SECRET" --customer acme
FAILING=$OUT
run_onset 0 webhooks add "$HOOK/redirect" --secret-file "$SECRET"
REDIRECT=$OUT
run_onset 0 webhooks add "$HOOK/huge" --secret-file "$SECRET"
HUGE=$OUT
run_onset 0 webhooks add "$HOOK/hang" --secret-file "$SECRET"
HANG=$OUT
[ "$(stat -c %a "$DATA/webhooks")" = 700 ] || fail "webhooks directory is not 0700"
[ "$(stat -c %a "$DATA/webhooks/data.mdb")" = 600 ] \
  || fail "the secrets' file is not 0600"

step "provision four contracts and renew one; provisioning does not wait for the failing subscribers"
run_onset 0 devices add "$SAMPLES/devices.json"
for f in contract-acme-backup contract-acme-delivery \
         contract-globex-device-only contract-initech-cloud; do
  run_onset 0 submit "$SAMPLES/$f.json"
done
run_onset 0 wait C-1001 C-1002 C-2001 C-3001 --state active --timeout 30
run_onset 0 submit "$SAMPLES/renewal-acme-backup.json"
run_onset 0 wait C-1001 --timeout 30

step "SIGKILL the node while the slow subscriber still has events to get"
delivered_slow() { grep -c '"path": "/slow"' "$RECEIVED" || true; }
for _ in $(seq 50); do [ "$(delivered_slow)" -ge 3 ] && break; sleep 0.1; done
before=$(delivered_slow)
[ "$before" -ge 3 ] || fail "the slow subscriber got $before events in 5 s"
kill_node
start_node "${NODE_OPTS[@]}"
run_onset 0 events --json
FEED=$WORK/feed.jsonl
printf '%s\n' "$OUT" >"$FEED"
total=$(grep -c . "$FEED")
[ "$before" -lt "$total" ] \
  || fail "the kill came after every event was delivered ($before of $total)"
echo "killed after $before of $total events were delivered"

step "the slow subscriber gets every event, in the feed's order, each signed"
for _ in $(seq 300); do
  missing=$(python3 - "$FEED" "$RECEIVED" <<'PY'
import json, sys
feed = [json.loads(l)["id"] for l in open(sys.argv[1]) if l.strip()]
got = {json.loads(l)["id"] for l in open(sys.argv[2])
       if json.loads(l)["path"] == "/slow"}
print(len([i for i in feed if i not in got]))
PY
)
  [ "$missing" = 0 ] && break
  sleep 0.1
done
[ "$missing" = 0 ] || fail "$missing events of $total never reached the slow subscriber"
python3 - "$FEED" "$RECEIVED" <<'PY' || fail "the slow subscriber's events: see above"
import json, sys
feed = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
got = [json.loads(l) for l in open(sys.argv[2])]
slow = [x for x in got if x["path"] == "/slow"]
ids = [x["id"] for x in slow]
first = []
for i in ids:
    if i not in first:
        first.append(i)
want = [x["id"] for x in feed]
assert first == want, f"order differs:\n got  {first}\n want {want}"
bad = [x["id"] for x in slow if not x["signed"]]
assert not bad, f"signatures that do not verify: {bad}"
for x in slow:
    body = x["event"]
    assert body["id"] == x["id"] and body["type"] == x["type"], x
types = [x["type"] for x in feed]
assert "contract.renewed" in types and types.count("contract.active") >= 5, types
print(f"slow subscriber: {len(want)} events, {len(ids) - len(want)} duplicates")
PY

step "the subscriber that refused 5 times first got every contract.active, in order, nothing else"
python3 - "$FEED" "$RECEIVED" <<'PY' || fail "the flaky subscriber's events: see above"
import json, sys, time
feed = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
want = [x["id"] for x in feed if x["type"] == "contract.active"]
for _ in range(100):
    got = [json.loads(l) for l in open(sys.argv[2])]
    flaky = [x for x in got if x["path"] == "/flaky"]
    accepted = [x["id"] for x in flaky if x["answered"] == 200]
    if set(want) <= set(accepted):
        break
    time.sleep(0.1)
assert [x for x in flaky if x["answered"] == 500], "it never refused"
assert all(x["type"] == "contract.active" for x in flaky), "unwanted types"
seen = []
for i in accepted:
    if i not in seen:
        seen.append(i)
assert seen == want, f"accepted {seen}, want {want}"
print(f"flaky subscriber: {len(flaky)} POSTs, {len(want)} events")
PY

step "the failing subscribers are marked failing with a clear error"
for _ in $(seq 50); do
  run_onset 0 webhooks list --json
  [ "$(jq '[.[] | select(.failing)] | length' <<<"$OUT")" = 4 ] && break
  sleep 0.1
done
LIST=$OUT
check() { jq -e --arg id "$1" ".[] | select(.id == \$id) | $2" <<<"$LIST" >/dev/null \
  || fail "$1: expected $2 in $(jq -c --arg id "$1" '.[] | select(.id == $id)' <<<"$LIST")"; }
check "$FAILING" '.failing and (.last_error | startswith("HTTP 500: subscriber down")) and .delivered == 0 and .backlog > 0'
check "$REDIRECT" '.failing and (.last_error | contains("redirect to http://127.0.0.1:9/elsewhere not followed"))'
check "$HUGE" '.failing and (.last_error | contains("answer cut at 65536 bytes"))'
check "$HANG" '.failing and .last_error == "Read"'
check "$ALL" '(.failing | not) and .delivered >= '"$total"' and .last_error_at == null'
check "$FLAKY" '(.failing | not) and .delivered >= 5'
jq -e 'all(.[]; has("secret") | not)' <<<"$LIST" >/dev/null || fail "list shows a secret"
run_onset 0 webhooks list
expect_contains "$OUT" "FAILING since" "webhooks list"

step "webhooks test: delivered to a live subscriber, an error for a failing one"
run_onset 0 webhooks test "$ALL"
expect_contains "$OUT" "delivered: HTTP 200" "test $ALL"
grep -q '"type": "webhook.test"' "$RECEIVED" || fail "no webhook.test received"
run_onset 1 webhooks test "$FAILING"
expect_contains "$OUT" "not delivered: HTTP 500" "test $FAILING"

step "https: the subscriber's certificate is verified against the subscription's CA file"
TLS=$WORK/tls
mkdir -p "$TLS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -days 2 -subj "/CN=onset test ca" -keyout "$TLS/ca.key" -out "$TLS/ca.pem" \
  -addext basicConstraints=critical,CA:TRUE \
  -addext keyUsage=critical,keyCertSign,cRLSign 2>>"$TLS/openssl.log" \
  && printf 'subjectAltName=DNS:localhost\n' >"$TLS/hook.ext" \
  && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=localhost" -keyout "$TLS/hook.key" -out "$TLS/hook.csr" \
    2>>"$TLS/openssl.log" \
  && openssl x509 -req -in "$TLS/hook.csr" -CA "$TLS/ca.pem" \
    -CAkey "$TLS/ca.key" -CAcreateserial -days 2 -extfile "$TLS/hook.ext" \
    -out "$TLS/hook.pem" 2>>"$TLS/openssl.log" \
  || fail "openssl: $(tail -3 "$TLS/openssl.log")"
python3 "$SRC/tests/support/webhook_subscriber.py" "$secret" "$RECEIVED" \
  "$WORK/tls.port" "$TLS/hook.pem" "$TLS/hook.key" &
EXTRA_PIDS+=($!)
for _ in $(seq 100); do [ -s "$WORK/tls.port" ] && break; sleep 0.1; done
[ -s "$WORK/tls.port" ] || fail "the https subscriber did not start"
SECURE=https://localhost:$(cat "$WORK/tls.port")
run_onset 0 webhooks add "$SECURE/ok" --secret-file "$SECRET" \
  --ca-file "$TLS/ca.pem"
TRUSTING=$OUT
run_onset 0 webhooks test "$TRUSTING"
expect_contains "$OUT" "delivered: HTTP 200" "https with the CA file"
run_onset 0 webhooks add "$SECURE/ok" --secret-file "$SECRET"
UNTRUSTING=$OUT
run_onset 1 webhooks test "$UNTRUSTING"
expect_contains "$OUT" "not delivered: SSLServerVerification" \
  "https with the system's CA store (which lacks the test CA)"
for id in "$TRUSTING" "$UNTRUSTING"; do
  run_onset 0 webhooks remove "$id"
done

step "the metrics count deliveries by outcome"
metrics=$(curl -s "$ONSET_SERVER/metrics")
grep -Eq '^onset_webhook_deliveries_total\{outcome="delivered"\} [1-9]' <<<"$metrics" \
  || fail "no delivered count in /metrics"
grep -Eq '^onset_webhook_subscriptions_failing 4' <<<"$metrics" \
  || fail "failing subscriptions in /metrics: $(grep webhook <<<"$metrics")"

step "remove: the subscription is gone and no longer POSTed to"
for id in "$FAILING" "$REDIRECT" "$HUGE" "$HANG"; do
  run_onset 0 webhooks remove "$id"
done
run_onset 1 webhooks remove "$FAILING"
expect_contains "$ERR" "unknown_webhook: webhook subscription $FAILING is not known" "remove twice"
run_onset 0 webhooks list --json
[ "$(jq length <<<"$OUT")" = 2 ] || fail "after remove: $OUT"
posts=$(grep -c '"path": "/fail"' "$RECEIVED")
sleep 1
[ "$(grep -c '"path": "/fail"' "$RECEIVED")" = "$posts" ] \
  || fail "a removed subscription is still POSTed to"

stop_node
echo "PASS [$TEST_NAME]"
