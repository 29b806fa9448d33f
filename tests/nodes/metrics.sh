#!/usr/bin/env bash
# GET /metrics of an embedded node (docs/api.md, docs/operations.md): no
# token; Prometheus text that prometheus_client's parser reads
# (tests/support/metrics_json.py); contracts by state agreeing with
# `onset status --json`, before and after a cancel; steps, latency, STORE
# rounds, the LMDB map and API requests counted; no contract, printer or
# customer id anywhere in it; `onset wait` counted by route: it follows the
# feed instead of polling the status; every metric that
# deploy/grafana/onset-dashboard.json names is served. The cluster side
# (every node serves its own) is in tests/cluster/five_nodes_test.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"

/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null \
  || fail "python3-prometheus-client is needed (scripts/install-deps.sh)"
METRICS="$SRC/tests/support/metrics_json.py"

# scrape: the node's metrics as JSON in $WORK/metrics.json (and the raw
# text in $WORK/metrics.txt, to look for ids).
scrape() {
  /usr/bin/python3 "$METRICS" "$ONSET_SERVER/metrics" >"$WORK/metrics.json" \
    || fail "/metrics does not parse: $(cat "$WORK/metrics.json")"
  curl -s "$ONSET_SERVER/metrics" >"$WORK/metrics.txt"
}
# total NAME [JQ_FILTER_ON_LABELS]: the sum of the samples NAME.
total() {
  jq --arg n "$1" "[.samples[] | select(.name == \$n) | select(${2:-true}) | .value] | add // 0" \
    "$WORK/metrics.json"
}
# states_agree: onset_contracts{state} equals what `onset status --json`
# lists, for every state.
states_agree() {
  run_onset 0 status --json
  local listed scraped
  listed=$(jq -S 'group_by(.state) | map({(.[0].state): length}) | add // {}' <<<"$OUT")
  scraped=$(jq -S '[.samples[] | select(.name == "onset_contracts" and .value > 0)
                    | {(.labels.state): .value}] | add // {}' "$WORK/metrics.json")
  [ "$(jq -c 'map_values(floor)' <<<"$scraped")" = "$(jq -c . <<<"$listed")" ] \
    || fail "onset_contracts $scraped, onset status lists $listed"
}

start_node

step "/metrics answers without a token, as Prometheus text"
code=$(curl -s -o /dev/null -w '%{http_code}' "$ONSET_SERVER/metrics")
[ "$code" = 200 ] || fail "/metrics: $code"
scrape
jq -e '.content_type | startswith("text/plain; version=0.0.4")' "$WORK/metrics.json" >/dev/null \
  || fail "/metrics content type: $(jq .content_type "$WORK/metrics.json")"
jq -e '.types.onset_contracts == "gauge" and .types.onset_step_latency_seconds == "histogram"
       and .types.onset_store_batches == "counter"' "$WORK/metrics.json" >/dev/null \
  || fail "metric types: $(jq -c .types "$WORK/metrics.json")"
[ "$(total onset_contracts)" = 0 ] || fail "contracts counted in an empty store"

step "four contracts provisioned"
run_onset 0 devices add "$SAMPLES/devices.json"
for f in contract-acme-backup contract-acme-delivery \
         contract-globex-device-only contract-initech-cloud; do
  run_onset 0 submit "$SAMPLES/$f.json"
done
run_onset 0 wait C-1001 C-1002 C-2001 C-3001 --state active --timeout 60
scrape
states_agree
[ "$(total onset_contracts '.labels.state == "active"')" = 4 ] \
  || fail "onset_contracts{state=active}: $(total onset_contracts '.labels.state == "active"')"

step "steps, latency, STORE rounds, the LMDB map and API requests counted"
sent=$(total onset_steps_sent_total)
acked=$(total onset_steps_acked_total)
[ "$sent" -gt 0 ] && [ "$acked" -gt 0 ] || fail "steps sent $sent, acked $acked"
[ "$acked" -le "$sent" ] || fail "more steps acked ($acked) than sent ($sent)"
[ "$(total onset_steps_acked_total '.labels.target == "service"')" -gt 0 ] \
  || fail "no service step acked"
[ "$(total onset_steps_acked_total '.labels.kind == "firmware" and .labels.target == "device"')" -gt 0 ] \
  || fail "no firmware step acked"
[ "$(total onset_step_latency_seconds_count)" = "$acked" ] \
  || fail "latency observations $(total onset_step_latency_seconds_count), steps acked $acked"
[ "$(total onset_store_round_duration_seconds_count)" -gt 0 ] || fail "no STORE round"
jq -e '[.samples[] | select(.name == "onset_lmdb_map_used_bytes") | .value][0] as $u
       | [.samples[] | select(.name == "onset_lmdb_map_size_bytes") | .value][0] as $s
       | $u > 0 and $u <= $s' "$WORK/metrics.json" >/dev/null || fail "LMDB map figures"
[ "$(total onset_api_requests_total '.labels.route == "/v1/contracts" and .labels.method == "POST" and .labels.status == "200"')" -ge 4 ] \
  || fail "the submissions are not counted by route"
for id in C-1001 MFP-0001 acme globex initech; do
  ! grep -q "$id" "$WORK/metrics.txt" || fail "/metrics names $id"
done

step "onset wait follows the feed: a 3 s wait reads the status at most twice"
# requests ROUTE METHOD: API requests counted for ROUTE and METHOD so far.
requests() {
  total onset_api_requests_total ".labels.route == \"$1\" and .labels.method == \"$2\""
}
scrape
status_before=$(requests /v1/contracts GET)
feed_before=$(requests /v1/events GET)
run_onset 4 wait C-1001 --state ended --timeout 3
expect_contains "$ERR" "C-1001=active" "the timed-out wait names the contract"
scrape
status_reads=$(( $(requests /v1/contracts GET) - status_before ))
feed_reads=$(( $(requests /v1/events GET) - feed_before ))
[ "$status_reads" -le 2 ] && [ "$feed_reads" -ge 1 ] && [ "$feed_reads" -le 4 ] \
  || fail "a 3 s wait read the status $status_reads times and the feed $feed_reads times"

step "every metric the Grafana dashboard's expressions name is served"
# A family without a series yet is not in the text: the step counters of
# outcomes this run never met (resent, refused, abandoned) and the peer
# links (an embedded node has no peer). Those must be registered by name in
# messages/metrics/metrics.cpp; every other name must be served.
/usr/bin/python3 - "$SRC/deploy/grafana/onset-dashboard.json" "$WORK/metrics.txt" \
    "$SRC/messages/metrics/metrics.cpp" <<'PY' \
  || fail "deploy/grafana/onset-dashboard.json names metrics /metrics does not serve"
import json, re, sys
from prometheus_client.parser import text_string_to_metric_families

def exprs(x):
    if isinstance(x, dict):
        for k, v in x.items():
            if k == "expr" and isinstance(v, str):
                yield v
            else:
                yield from exprs(v)
    elif isinstance(x, list):
        for v in x:
            yield from exprs(v)

suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"],
            "summary": ["_sum", "_count"]}
served = set()
for family in text_string_to_metric_families(open(sys.argv[2]).read()):
    served.add(family.name)
    served.update(family.name + s for s in suffixes.get(family.type, []))
    served.update(s.name for s in family.samples)
registered = set(re.findall(r'"(onset_[a-z0-9_]+)"', open(sys.argv[3]).read()))
named = set()
for e in exprs(json.load(open(sys.argv[1]))):
    named.update(re.findall(r"\bonset_[a-z0-9_]+", e))
lazy = sorted((named - served) & registered)
missing = sorted(named - served - registered)
if len(named) < 10 or missing:
    sys.exit(f"named {len(named)} metrics; neither served nor registered: {missing}")
print(f"the dashboard names {len(named)} metrics: {len(named) - len(lazy)} "
      f"served, registered but without a series yet: {lazy}")
PY

step "a cancelled contract moves to ended in the counts; a waiting wait sees it"
"$ONSET_BIN" wait C-2001 --state ended --timeout 30 >"$WORK/wait.out" 2>"$WORK/wait.err" &
waiting=$!
EXTRA_PIDS+=("$waiting")
sleep 1
run_onset 0 cancel C-2001
wait_rc=0
wait "$waiting" || wait_rc=$?
[ "$wait_rc" = 0 ] || fail "the wait for ended exited with $wait_rc: $(cat "$WORK/wait.err")"
expect_contains "$(cat "$WORK/wait.out")" "C-2001: ended" "the wait's answer"
scrape
states_agree
[ "$(total onset_contracts '.labels.state == "ended"')" = 1 ] || fail "C-2001 not counted ended"

stop_node
echo "PASS [$TEST_NAME]"
