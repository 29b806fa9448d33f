#!/usr/bin/env bash
# The README's first command: builds Onset and runs its main job on this
# machine, every role in one local node:
#   1. starts onset-fleet, the reference endpoint server (docs/endpoints.md),
#      playing the printers' management server and every smart service's
#      server, and onset-node delivering to it over HTTP (data in a fresh
#      directory; each request to the fleet server takes 300 ms),
#   2. registers the sample printers of config/samples/devices.json,
#   3. submits the sample contracts (four start at once, one is
#      device-only) and one more whose start date is a few seconds away,
#   4. shows their progress until they are active,
#   5. renews C-1001 with one changed setting and shows the delta it sent,
#   6. ends with the status table, and what the fleet server holds for
#      MFP-0001 and for MFP-0001 at data_backup.
# It stops the processes it started when it ends or is interrupted.
#
# `scripts/demo.sh --embedded` delivers to onset-node's in-process simulated
# printers instead (no onset-fleet; a visible firmware install time).
#
# `scripts/demo.sh --cluster` runs the same on the five-node local cluster of
# deploy/cluster-local.json (ports 7411 and 7500-7504, docs/cluster.md),
# started and stopped with scripts/local-cluster.sh, and shows its nodes.
#
# `onset` talks to the node's HTTP API (docs/cli.md): one node makes an
# admin token on its first start, which `onset` finds in the data
# directory; on the cluster the demo makes one with `onset-node token`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ONSET_BUILD_DIR:-$root/build}
# The programs have no built-in catalog path into the source tree.
export ONSET_CATALOG=${ONSET_CATALOG:-$root/config/catalog.json}
cluster=""
embedded=""
[ "${1:-}" = "--cluster" ] && cluster=$root/deploy/cluster-local.json
[ "${1:-}" = "--embedded" ] && embedded=1
"$root/scripts/build.sh" --target onset onset-node onset-fleet >/dev/null

demo=$(mktemp -d /tmp/onset-demo.XXXXXX)
latencies=(--firmware-latency 1500 --apps-latency 400 --settings-latency 150)
node_pid=""
fleet_pid=""
stop_node() {
  if [ -n "$cluster" ]; then
    ONSET_NODE="$build/nodes/onset-node" "$root/scripts/local-cluster.sh" \
      stop "$demo" >/dev/null 2>&1 || true
  elif [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill -TERM "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  node_pid=""
  if [ -n "$fleet_pid" ] && kill -0 "$fleet_pid" 2>/dev/null; then
    kill -TERM "$fleet_pid" 2>/dev/null || true
    wait "$fleet_pid" 2>/dev/null || true
  fi
  fleet_pid=""
}
trap stop_node EXIT

# Starts onset-fleet on a free loopback port with the sample printers and a
# token of its own, and writes the endpoints file that sends every
# instruction of onset-node there.
start_fleet() {
  echo "== starting onset-fleet (data: $demo/fleet, log: $demo/fleet.log)"
  (umask 077 && head -c 32 /dev/urandom | base64 >"$demo/fleet.token")
  "$build/nodes/fleet/onset-fleet" --data-dir "$demo/fleet" --port 0 \
    --printers "$root/config/samples/devices.json" \
    --token-file "$demo/fleet.token" --latency 300 >"$demo/fleet.log" 2>&1 &
  fleet_pid=$!
  fleet_port=""
  for _ in $(seq 1 100); do
    fleet_port=$(sed -n 's/.*fleet\.listening .*port=\([0-9]*\).*/\1/p' "$demo/fleet.log")
    [ -n "$fleet_port" ] && break
    kill -0 "$fleet_pid" 2>/dev/null || { cat "$demo/fleet.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -n "$fleet_port" ] || { echo "onset-fleet did not start" >&2; exit 1; }
  jq -n --arg url "http://127.0.0.1:$fleet_port" --arg token "$demo/fleet.token" \
    '{printers: {url: $url, token_file: $token},
      services: {"*": {url: $url, token_file: $token}}}' >"$demo/endpoints.json"
}

# fleet GET-PATH: what the fleet server answers, pretty-printed.
fleet() {
  curl -sS -H "Authorization: Bearer $(cat "$demo/fleet.token")" \
    "http://127.0.0.1:$fleet_port$1" | jq .
}
trap 'stop_node; exit 130' INT TERM

if [ -n "$cluster" ]; then
  # The nodes' mutual TLS: certificates of a CA of the demo's own.
  "$root/scripts/cluster-certs.sh" "$demo/certs" \
    $(jq -r '.nodes[].name' "$cluster") >/dev/null
  jq --arg dir "$demo/certs" '.tls.dir = $dir' "$cluster" >"$demo/cluster.json"
  cluster=$demo/cluster.json
  echo "== starting the five nodes of $cluster (data and logs: $demo)"
  ONSET_NODE="$build/nodes/onset-node" "$root/scripts/local-cluster.sh" \
    start "$demo" "$cluster" -- --http-port 0 "${latencies[@]}"
  gw=$(jq -r '.nodes[] | select(.roles | index("gateway")) | .name' "$cluster")
  server=http://127.0.0.1:$(cat "$demo/$gw/http.port")
  "$build/nodes/onset-node" token --data-dir "$demo/$gw" create demo \
    --role admin >"$demo/demo.token"
  onset_env=(ONSET_TOKEN="$(cat "$demo/demo.token")")
else
  if [ -z "$embedded" ]; then
    start_fleet
    latencies=(--endpoints "$demo/endpoints.json")
  fi
  echo "== starting onset-node (data: $demo/data, log: $demo/node.log)"
  "$build/nodes/onset-node" --data-dir "$demo/data" \
    --http-port 0 "${latencies[@]}" >"$demo/node.log" 2>&1 &
  node_pid=$!
  for _ in $(seq 1 100); do
    [ -s "$demo/data/http.port" ] && break
    kill -0 "$node_pid" 2>/dev/null || { cat "$demo/node.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$demo/data/http.port" ] || { cat "$demo/node.log" >&2; exit 1; }
  server=http://127.0.0.1:$(cat "$demo/data/http.port")
  # Where the admin token the node made on its first start is.
  onset_env=(ONSET_DATA_DIR="$demo/data")
fi
onset() {
  env ONSET_SERVER="$server" "${onset_env[@]}" "$build/nodes/onset" "$@"
}
if [ -n "$cluster" ]; then
  for _ in $(seq 1 50); do
    onset cluster --json \
      | jq -e 'all(.reachable and .peers_up == .peers)' >/dev/null && break
    sleep 0.2
  done
  onset cluster
fi

samples=$root/config/samples
echo "== registering the sample printers"
onset devices add "$samples/devices.json"
onset devices list

delayed=$demo/contract-delayed.json
start=$(date -u -d '+8 seconds' +%Y-%m-%dT%H:%M:%SZ)
cat >"$delayed" <<JSON
{ "id": "C-2002", "version": 1, "customer": "globex",
  "start": "$start", "end": "2036-01-01T00:00:00Z",
  "devices": ["MFP-0102"],
  "services": { "consumables_delivery": { "payment_method": "credit_card" } } }
JSON

echo "== submitting the sample contracts, and C-2002 starting at $start"
onset submit "$samples/contract-acme-backup.json"
onset submit "$samples/contract-acme-delivery.json"
onset submit "$samples/contract-globex-device-only.json"
onset submit "$samples/contract-initech-cloud.json"
onset submit "$delayed"
onset status

if [ -n "$fleet_pid" ]; then
  echo "== provisioning through onset-fleet (300 ms per request)"
else
  echo "== provisioning (firmware installs take 1.5 s on the simulated printers)"
fi
onset wait C-1001 C-1002 C-2001 C-3001 --state active --timeout 120
echo "== waiting for C-2002's start date"
onset wait C-2002 --state active --timeout 60

echo "== C-1001's plan before the renewal (nothing left to send):"
onset plan C-1001
echo "== renewing C-1001: backup_format full -> differential"
onset submit "$samples/renewal-acme-backup.json"
onset wait C-1001 --state active --timeout 60
echo "== what the renewal sent (the delta only, claim 7):"
onset history C-1001 | awk '/version=2/ {on=1} on'

echo "== final status"
onset status
[ -z "$cluster" ] || onset cluster
if [ -n "$fleet_pid" ]; then
  echo "== MFP-0001 as the fleet server holds it (not Onset's record)"
  fleet /v1/printers/MFP-0001
  echo "== MFP-0001 at data_backup, as the fleet server holds it"
  fleet /v1/services/data_backup/printers/MFP-0001
fi
if [ -z "$cluster" ]; then
  echo "== globex's contracts through the HTTP API (docs/api.md), with the admin token"
  echo "   the node made on its first start ($demo/data/admin.token, mode 0600)"
  curl -sS -H "Authorization: Bearer $(cat "$demo/data/admin.token")" \
    "http://127.0.0.1:$(cat "$demo/data/http.port")/v1/contracts?customer=globex" \
    | jq .
fi
