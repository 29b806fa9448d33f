#!/usr/bin/env bash
# A five-node cluster on loopback, driven through the `onset` CLI over the
# gateway node's HTTP API: a gateway, two contracts nodes, two devices nodes
# (services on the first).
#
#   1. 200 contracts over 400 printers; the second devices node is killed
#      with SIGKILL while they provision, and restarted: every contract ends
#      active.
#   2. 20 more contracts; the first devices node (printers and services) is
#      frozen with SIGSTOP for 10 s: the gateway and the contracts nodes log
#      it as down within 6 s, log it back after SIGCONT, and every contract
#      ends active.
#      `onset plan --catalog` at the gateway node plans a contract on its
#      contracts node against a changed catalog.
#   3. A rolling restart (docs/deploy.md): each node in turn is stopped
#      (SIGTERM) and started again, every node ready before the next, each
#      time just after 8 more contracts were submitted: every contract ends
#      active and none was degraded by the restarts.
#   4. Every node is stopped; `onset-node inspect` on each devices node
#      finds every effect applied exactly once, without gaps.
#
#   Every connection between the nodes is mutual TLS (certificates from
#   scripts/cluster-certs.sh). Once connected, a cluster port refuses what
#   carries no certificate of the cluster's CA: a plain-TCP BASP client gets
#   no handshake (no actor), `openssl s_client` without a certificate or
#   with one of another CA is refused; with a node's certificate it
#   completes the handshake.
#
#   5. d2 restarted claiming another wire version (--test-wire-version):
#      c1 refuses it, logs both versions, and its /readyz names them.
#
#   Throughout, every node's /healthz and /readyz (docs/api.md): ready once
#   started, 503 naming d2 at the gateway and a contracts node while d2 is
#   down, 200 again once it is back. At the end every node's own /metrics
#   (docs/operations.md), parsed by prometheus_client: the contracts
#   nodes' counts add up to the contracts, the links saw d1 go down.
#
# Usage: five_nodes_test.sh SOURCE_DIR ONSET_NODE ONSET
set -euo pipefail
src=$1
export ONSET_NODE=$2
onset_bin=$3
work=$(mktemp -d /tmp/onset-cluster-test.XXXXXX)
run=$work/run
cluster=$work/cluster.json
trap '"$src/scripts/local-cluster.sh" stop "$run" >/dev/null 2>&1 || true' EXIT

source "$src/tests/cluster/cluster_lib.sh"

# Ports: a block of six free ones.
base=$("$src/scripts/local-cluster.sh" free-ports 6)
certs=$work/certs
"$src/scripts/cluster-certs.sh" "$certs" gw c1 c2 d1 d2 >/dev/null || fail "cluster-certs.sh"
"$src/scripts/cluster-certs.sh" "$work/other-ca" c1 >/dev/null || fail "cluster-certs.sh (other CA)"
cat >"$cluster" <<JSON
{ "heartbeat_interval_ms": 500, "heartbeat_timeout_ms": 3000,
  "tls": {"dir": "certs"},
  "nodes": [
    {"name": "gw", "host": "127.0.0.1", "port": $base, "gateway_port": $((base + 5)), "roles": ["gateway"]},
    {"name": "c1", "host": "127.0.0.1", "port": $((base + 1)), "roles": ["contracts"]},
    {"name": "c2", "host": "127.0.0.1", "port": $((base + 2)), "roles": ["contracts"]},
    {"name": "d1", "host": "127.0.0.1", "port": $((base + 3)), "roles": ["devices", "services"]},
    {"name": "d2", "host": "127.0.0.1", "port": $((base + 4)), "roles": ["devices"]}
  ] }
JSON
onset() { "$onset_bin" "$@"; }

count_active() { onset status --json | jq '[.[] | select(.state == "active")] | length'; }

step "starting the cluster in $work"
"$src/scripts/local-cluster.sh" start "$run" "$cluster" -- --http-port 0 \
  --firmware-latency 400 --apps-latency 150 --settings-latency 50 \
  --request-timeout 2000 --resend-cap 2000 --threads 2 >/dev/null \
  || fail "cluster did not start"
# The gateway node serves the API; the others only the probes (no token).
# A cluster node makes no admin token.
[ -s "$run/gw/http.port" ] || fail "the gateway node serves no HTTP API"
# http_code NODE PATH [BODY_FILE]: the status of GET PATH on NODE's listener.
http_code() {
  curl -s -o "${3:-/dev/null}" -w '%{http_code}' --max-time 5 \
    "http://127.0.0.1:$(cat "$run/$1/http.port")$2" || true
}
# ready NODE: /readyz answers 200 within 10 s (its body kept for a failure).
ready() {
  for _ in $(seq 1 100); do
    [ "$(http_code "$1" /readyz "$work/readyz-$1.json")" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}
for n in gw c1 c2 d1 d2; do
  [ "$(http_code "$n" /healthz)" = 200 ] || fail "$n: /healthz not 200"
  ready "$n" || fail "$n: /readyz once started: $(cat "$work/readyz-$n.json")"
done
for n in c1 c2 d1 d2; do
  [ "$(http_code "$n" /v1/cluster)" = 404 ] || fail "$n serves an API route"
done
export ONSET_SERVER=http://127.0.0.1:$(cat "$run/gw/http.port")
ONSET_TOKEN=$("$ONSET_NODE" token --data-dir "$run/gw" create ops --role operator) \
  || fail "no token for the gateway node"
export ONSET_TOKEN
devices_json 520 >"$work/devices.json"
contracts_json 1 200 >"$work/contracts-1.json"
contracts_json 201 220 >"$work/contracts-2.json"
for k in 0 1 2 3 4; do
  contracts_json $((221 + 8 * k)) $((228 + 8 * k)) >"$work/contracts-3-$k.json"
done
# Ready when every node answers and reaches every node it needs.
connected() { onset cluster --json | jq -e 'all(.reachable and .peers_up == .peers)' >/dev/null; }
for _ in $(seq 1 50); do connected && break; sleep 0.2; done
connected || fail "the nodes did not connect"
onset cluster

step "a cluster port refuses clients without the cluster's certificate"
# basp_probe PORT: connects over plain TCP like a CAF client (which waits
# for the server's BASP handshake, naming the published actor), then sends
# a BASP-sized header; prints what came back and whether it was closed.
basp_probe() {
  /usr/bin/python3 - "$1" <<'PY'
import json, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
got, closed = b"", False
def drain(seconds):
    global got, closed
    s.settimeout(seconds)
    try:
        while True:
            b = s.recv(4096)
            if not b:
                closed = True
                return
            got += b
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
drain(1.5)
if not closed:
    # operation client_handshake (1), then zeros: a header and its payload.
    try:
        s.sendall(bytes([1]) + bytes(63))
        drain(3)
    except (BrokenPipeError, ConnectionResetError):
        closed = True
print(json.dumps({"handshake": b"generic-caf-app" in got, "bytes": len(got),
                  "closed": closed}))
PY
}
# The refused clients cost the nodes none of their own connections.
downs() { cat "$run"/*.log | grep -c "peer.down" || true; }
downs_before=$(downs)
c1_port=$((base + 1))
probe=$(basp_probe "$c1_port")
jq -e '.handshake == false and .closed' <<<"$probe" >/dev/null \
  || fail "plain TCP to c1's cluster port: $probe (a BASP handshake or an open connection)"
curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$(cat "$run/c1/http.port")/healthz" | grep -q 200 \
  || fail "c1 unhealthy after the plain-TCP probe"
# tls_probe FILE S_CLIENT_OPTION...: s_client against c1's cluster port,
# verifying c1 against the cluster's CA; its output in FILE, its status
# returned. It waits 2 s before closing so that it reads the server's
# verdict on its certificate (TLS 1.3 sends it after the handshake).
tls_probe() {
  local out=$1
  shift
  (sleep 2) | timeout 10 openssl s_client -connect "127.0.0.1:$c1_port" \
    -CAfile "$certs/ca.pem" -verify_return_error "$@" >"$out" 2>&1
}
tls_probe "$work/s_client-good.txt" -cert "$certs/c2.pem" -key "$certs/c2.key" \
  || fail "s_client with c2's certificate: $(tail -n 5 "$work/s_client-good.txt")"
grep -aq "Verify return code: 0 (ok)" "$work/s_client-good.txt" \
  || fail "s_client did not verify c1: $(tail -n 5 "$work/s_client-good.txt")"
grep -aq "alert" "$work/s_client-good.txt" \
  && fail "c1 refused c2's certificate: $(grep -a alert "$work/s_client-good.txt")"
tls_probe "$work/s_client-none.txt" || true
grep -aq "alert certificate required" "$work/s_client-none.txt" \
  || fail "s_client without a certificate not refused: $(tail -n 5 "$work/s_client-none.txt")"
tls_probe "$work/s_client-other.txt" -cert "$work/other-ca/c1.pem" -key "$work/other-ca/c1.key" || true
grep -aq "alert unknown ca" "$work/s_client-other.txt" \
  || fail "s_client with another CA's certificate not refused: $(tail -n 5 "$work/s_client-other.txt")"
sleep 1
[ "$(downs)" = "$downs_before" ] \
  || fail "refused clients of c1 cost the nodes a connection: $(grep -h peer.down "$run"/*.log | tail -n 5)"
connected || fail "the nodes are not all connected after the refused clients"
step "plain TCP: $probe; s_client: refused without a certificate and with another CA's"

step "registering 520 printers, submitting 200 contracts"
onset devices add "$work/devices.json" || fail "enroll"
onset submit "$work/contracts-1.json" --timeout 60 >/dev/null || fail "submit"

step "waiting until provisioning is under way, then SIGKILL d2"
for _ in $(seq 1 100); do
  [ "$(count_active)" -ge 20 ] && break
  sleep 0.1
done
active=$(count_active)
[ "$active" -lt 200 ] || fail "all 200 contracts were active before the kill; nothing was in flight"
"$src/scripts/local-cluster.sh" signal "$run" d2 KILL
step "d2 killed with $active of 200 contracts active"
# Conditions with deadlines, not fixed sleeps: the cluster view shows d2
# unreachable, and the gateway and both contracts nodes logged it down.
d2_unreachable() {
  onset cluster --json | jq -e '.[] | select(.name == "d2") | .reachable == false' >/dev/null
}
d2_down_logged() {
  grep -q "peer.down node=d2" "$run/gw.log" && grep -q "peer.down node=d2" "$run/c1.log" \
    && grep -q "peer.down node=d2" "$run/c2.log"
}
for _ in $(seq 1 50); do d2_unreachable && break; sleep 0.1; done
d2_unreachable || fail "onset cluster still shows d2 reachable after 5 s"
for _ in $(seq 1 50); do d2_down_logged && break; sleep 0.1; done
d2_down_logged || fail "d2 not logged down by gw, c1 and c2 within 5 s"
# /readyz of the gateway and of a contracts node: 503 naming d2 only.
d2_not_ready() {
  [ "$(http_code "$1" /readyz "$work/readyz-$1.json")" = 503 ] \
    && jq -e '.ready == false and .not_ready
      == [{"component": "peer", "node": "d2", "reason": "unreachable"}]' \
      "$work/readyz-$1.json" >/dev/null
}
for n in gw c1; do
  for _ in $(seq 1 50); do d2_not_ready "$n" && break; sleep 0.1; done
  d2_not_ready "$n" || fail "$n: /readyz while d2 is down: $(cat "$work/readyz-$n.json")"
done
step "/readyz of gw and c1: 503 naming peer d2 unreachable"
step "restarting d2"
"$src/scripts/local-cluster.sh" restart "$run" d2 >/dev/null || fail "d2 restart"
# The links of gw and c1 reconnect within their backoff cap (1 s).
for n in gw c1; do
  ready "$n" || fail "$n: /readyz after d2 is back: $(cat "$work/readyz-$n.json")"
done
step "d2 back: /readyz of gw and c1 is 200"
onset wait $(ids 1 200) --timeout 90 >/dev/null 2>>"$work/wait.log" || fail "contracts not all active after the restart of d2"
step "all 200 contracts active"
grep -q "peer.down node=d2" "$run/gw.log" || fail "gw did not log d2 down"
grep -q "resend.all" "$run/c1.log" "$run/c2.log" || fail "no contracts node resent after d2 came back"

step "submitting 20 more contracts, then SIGSTOP d1 for 10 s"
onset submit "$work/contracts-2.json" >/dev/null || fail "submit 2"
stopped_at=$(date +%s.%N)
"$src/scripts/local-cluster.sh" signal "$run" d1 STOP
detected=""
for _ in $(seq 1 60); do
  if grep -q "peer.down node=d1" "$run/gw.log" && grep -q "peer.down node=d1" "$run/c1.log" \
     && grep -q "peer.down node=d1" "$run/c2.log"; then
    detected=$(date +%s.%N)
    break
  fi
  sleep 0.1
done
[ -n "$detected" ] || fail "frozen d1 not detected within 6 s"
took=$(awk -v a="$stopped_at" -v b="$detected" 'BEGIN {printf "%.1f", b - a}')
step "d1 detected as down after $took s (gw, c1, c2)"
onset cluster --json | jq -e '.[] | select(.name == "d1") | .reachable == false' >/dev/null \
  || fail "onset cluster shows the frozen d1 reachable"
sleep "$(awk -v t="$took" 'BEGIN {printf "%.1f", 10 - t}')"
"$src/scripts/local-cluster.sh" signal "$run" d1 CONT
step "d1 resumed"
onset wait $(ids 1 220) --timeout 60 >/dev/null 2>>"$work/wait.log" || fail "contracts not all active after d1 resumed"
# The contracts nodes may finish before the gateway's next reconnect attempt.
back_up() {
  awk '/peer.down node=d1/ {down=1} down && /peer.up node=d1/ {up=1} END {exit !up}' "$run/$1.log"
}
for n in gw c1 c2; do
  for _ in $(seq 1 100); do back_up "$n" && break; sleep 0.1; done
  back_up "$n" || fail "$n did not log d1 back up"
done
connected || fail "not every node connected at the end"
onset cluster
step "all 220 contracts active; every node reachable"

# metrics_of NODE: NODE's own /metrics, parsed, in $work/metrics-NODE.json.
metrics_of() {
  /usr/bin/python3 "$src/tests/support/metrics_json.py" \
    "http://127.0.0.1:$(cat "$run/$1/http.port")/metrics" >"$work/metrics-$1.json" \
    || fail "$1: /metrics: $(cat "$work/metrics-$1.json")"
}
# sum_of NODE NAME [JQ_FILTER_ON_A_SAMPLE]: the sum of NODE's samples NAME.
sum_of() {
  jq --arg n "$2" "[.samples[] | select(.name == \$n) | select(${3:-true}) | .value] | add // 0 | floor" \
    "$work/metrics-$1.json"
}
for n in gw c1 c2 d1 d2; do metrics_of "$n"; done
active=$(( $(sum_of c1 onset_contracts '.labels.state == "active"')
           + $(sum_of c2 onset_contracts '.labels.state == "active"') ))
[ "$active" -eq 220 ] || fail "onset_contracts{state=active} of c1 and c2: $active, not 220"
[ "$(sum_of gw onset_contracts)" -eq 0 ] || fail "gw counts contracts it does not hold"
for n in c1 c2; do
  [ "$(sum_of "$n" onset_steps_acked_total)" -gt 0 ] || fail "$n: no step acked"
done
[ "$(sum_of d1 onset_steps_sent_total)" -eq 0 ] || fail "d1 counts steps it did not send"
[ "$(sum_of d1 onset_store_round_records_count)" -gt 0 ] || fail "d1: no STORE round of its own"
for n in gw c1 c2; do
  [ "$(sum_of "$n" onset_peer_up '.labels.peer == "d1"')" -eq 1 ] || fail "$n: onset_peer_up{peer=d1} not 1"
  [ "$(sum_of "$n" onset_peer_down_total '.labels.peer == "d1"')" -ge 1 ] \
    || fail "$n: the freeze of d1 not counted in onset_peer_down_total"
done
step "every node serves its own /metrics; 220 active on c1 and c2"

# `onset plan --catalog` through the gateway node: its CONTRACT ROUTER
# carries the catalog text to the contract's node, which plans with it.
jq '.services.data_backup.device.min_firmware = "4.0.0"
    | .services.data_backup.device.install_firmware = "4.1.0"' \
  "$src/config/catalog.json" >"$work/catalog-v2.json"
plan=$(onset plan C-0001 --catalog "$work/catalog-v2.json" --json) \
  || fail "plan --catalog through the router: $plan"
[ "$(jq -c '[.[] | .kind + "@" + .device]' <<<"$plan")" \
  = '["firmware@MFP-0001","firmware@MFP-0002"]' ] \
  || fail "plan --catalog through the router: $plan"

# degraded_events: how many contract.degraded events the feed holds.
degraded_events() {
  onset events --type contract.degraded --json | grep -c . || true
}
degraded_before=$(degraded_events)
step "rolling restart: each node stopped and started in turn, 8 more contracts before each"
submitted=220
in_flight=0
for n in d1 d2 c1 c2 gw; do
  onset submit "$work/contracts-3-$(( (submitted - 220) / 8 )).json" >/dev/null \
    || fail "submit before the restart of $n"
  submitted=$((submitted + 8))
  [ "$(count_active)" -ge "$submitted" ] || in_flight=$((in_flight + 1))
  "$src/scripts/local-cluster.sh" stop "$run" "$n" >/dev/null || fail "stop $n"
  "$src/scripts/local-cluster.sh" restart "$run" "$n" >/dev/null || fail "restart $n"
  # A gateway node started again serves its API on a new port.
  export ONSET_SERVER=http://127.0.0.1:$(cat "$run/gw/http.port")
  for m in gw c1 c2 d1 d2; do
    ready "$m" || fail "$m: /readyz after $n restarted: $(cat "$work/readyz-$m.json")"
  done
  step "$n restarted ($(count_active) of $submitted active); every node ready"
done
[ "$in_flight" -ge 3 ] \
  || fail "contracts were provisioning at only $in_flight of the 5 restarts"
onset wait $(ids 1 260) --timeout 90 >/dev/null 2>>"$work/wait.log" \
  || fail "contracts not all active after the rolling restart"
[ "$(degraded_events)" -eq "$degraded_before" ] \
  || fail "the rolling restart degraded contracts: $(onset events --type contract.degraded)"
step "all 260 contracts active; none degraded by the restarts"

step "stopping the cluster; checking the receivers' ledgers"
"$src/scripts/local-cluster.sh" stop "$run" >/dev/null
total=0
for n in d1 d2; do
  report=$("$ONSET_NODE" inspect --data-dir "$run/$n" --json) || fail "inspect $n: $report"
  echo "$n: $report"
  echo "$report" | jq -e '.ok and .duplicated == 0 and .gaps == 0 and .max_effect_count == 1' >/dev/null \
    || fail "$n: an effect applied twice or missing"
  total=$((total + $(echo "$report" | jq .instructions)))
done
# Per contract: 3 device steps per printer, prepare and activate of one
# service per printer.
[ "$total" -eq $((260 * 2 * 5)) ] || fail "expected $((260 * 2 * 5)) applied instructions, found $total"
step "$total instructions, each applied exactly once"

step "d2 claiming wire version 999 is refused by c1"
ONSET_ENABLE_TEST_FAULTS=1 "$ONSET_NODE" --cluster "$cluster" --node d2 \
  --data-dir "$run/d2" --http-port 0 --test-wire-version 999 >"$run/d2-v999.log" 2>&1 &
d2_pid=$!
trap 'kill "$d2_pid" 2>/dev/null || true; "$src/scripts/local-cluster.sh" stop "$run" >/dev/null 2>&1 || true' EXIT
ONSET_WAIT=up "$src/scripts/local-cluster.sh" restart "$run" c1 >/dev/null || fail "c1 restart"
refused_d2() {
  [ "$(http_code c1 /readyz "$work/readyz-c1.json")" = 503 ] \
    && jq -e '.not_ready | any(.component == "peer" and .node == "d2"
      and (.reason | test("^wire_version_mismatch: this node [0-9]+, d2 999$")))' \
      "$work/readyz-c1.json" >/dev/null
}
for _ in $(seq 1 100); do refused_d2 && break; sleep 0.1; done
refused_d2 || fail "c1: /readyz does not name d2's wire version: $(cat "$work/readyz-c1.json")"
grep -q "peer.version_refused node=d2 .*peer_version=999" "$run/c1.log" \
  || fail "c1 did not log d2's wire version refused"
grep -q "directory.version_refused node=d2 version=999 peer_version=" "$run/d2-v999.log" \
  || fail "d2 did not log c1's wire version refused: $(tail -n 5 "$run/d2-v999.log")"
step "c1: $(jq -c '.not_ready[] | select(.node == "d2")' "$work/readyz-c1.json")"
kill -TERM "$d2_pid"
wait "$d2_pid" || true
"$src/scripts/local-cluster.sh" stop "$run" >/dev/null
step "PASS"
rm -rf "$work"
