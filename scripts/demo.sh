#!/usr/bin/env bash
# The README's first command: builds Onset and runs its main job on this
# machine, every role in one local node:
#   1. starts onset-node (data in a fresh directory, simulated printers with
#      a visible firmware install time),
#   2. registers the sample printers of config/samples/devices.json,
#   3. submits the sample contracts (three start at once, one is
#      device-only) and one more whose start date is a few seconds away,
#   4. shows their progress until they are active,
#   5. renews C-1001 with one changed setting and shows the delta it sent,
#   6. ends with the status table.
# It stops the node it started when it ends or is interrupted.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${ONSET_BUILD_DIR:-$root/build}
"$root/scripts/build.sh" --target onset onset-node >/dev/null

demo=$(mktemp -d /tmp/onset-demo.XXXXXX)
node_pid=""
stop_node() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill -TERM "$node_pid" 2>/dev/null || true
    wait "$node_pid" 2>/dev/null || true
  fi
  node_pid=""
}
trap stop_node EXIT
trap 'stop_node; exit 130' INT TERM

echo "== starting onset-node (data: $demo/data, log: $demo/node.log)"
"$build/nodes/onset-node" --data-dir "$demo/data" --gateway-port 0 \
  --firmware-latency 1500 --apps-latency 400 --settings-latency 150 \
  >"$demo/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 100); do
  [ -s "$demo/data/gateway.port" ] && break
  kill -0 "$node_pid" 2>/dev/null || { cat "$demo/node.log" >&2; exit 1; }
  sleep 0.1
done
onset() {
  "$build/nodes/onset" --gateway "127.0.0.1:$(cat "$demo/data/gateway.port")" "$@"
}

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

echo "== provisioning (firmware installs take 1.5 s on the simulated printers)"
onset wait C-1001 C-1002 C-2001 C-3001 --state active --timeout 120
echo "== waiting for C-2002's start date"
onset wait C-2002 --state active --timeout 60

echo "== renewing C-1001: backup_format full -> differential"
onset plan C-1001
onset submit "$samples/renewal-acme-backup.json"
onset wait C-1001 --state active --timeout 60
echo "== what the renewal sent (the delta only, claim 7):"
onset history C-1001 | awk '/version=2/ {on=1} on'

echo "== final status"
onset status
