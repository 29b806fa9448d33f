#!/usr/bin/env bash
# `onset-node --cluster` refuses bad cluster files at start, naming the
# field, before it opens anything; and an unknown node name, and
# certificate files it cannot use. And a peer's malformed BASP header (a
# client handshake without its payload, which CAF 0.17.6 dereferences) is
# refused and the node stays up (nodes/basp_payload_guard.cpp).
#
# Usage: bad_cluster_file_test.sh ONSET_NODE
set -euo pipefail
onset_node=$1
work=$(mktemp -d /tmp/onset-bad-cluster.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0

# expect_refusal NAME JSON NODE TEXT: onset-node exits 1 and logs TEXT (in
# the reason of a `node.cluster_file_refused` event, or the event itself).
expect_refusal() {
  local name=$1 json=$2 node=$3 text=$4 rc=0
  printf '%s\n' "$json" >"$work/$name.json"
  timeout 10 "$onset_node" --cluster "$work/$name.json" --node "$node" \
    --data-dir "$work/data-$name" >"$work/$name.log" 2>&1 || rc=$?
  if [ "$rc" -ne 1 ] || ! grep -qF -- "$text" "$work/$name.log"; then
    echo "FAIL $name: exit $rc, expected 1 and '$text' in:" >&2
    cat "$work/$name.log" >&2
    failures=$((failures + 1))
  elif [ -e "$work/data-$name" ]; then
    echo "FAIL $name: the data directory was created" >&2
    failures=$((failures + 1))
  else
    echo "ok $name: $(grep -F -- "$text" "$work/$name.log" | head -1 | cut -d' ' -f3-)"
  fi
}

node() { # name port roles...
  local name=$1 port=$2 roles
  shift 2
  roles=$(printf '"%s",' "$@")
  echo "{\"name\":\"$name\",\"host\":\"127.0.0.1\",\"port\":$port,\"roles\":[${roles%,}]}"
}
gw='{"name":"gw","host":"127.0.0.1","port":7500,"gateway_port":7411,"roles":["gateway"]}'
c1=$(node c1 7501 contracts)
d1=$(node d1 7502 devices services)

expect_refusal unknown-role "{\"nodes\":[$gw,$c1,$(node d1 7502 devices printers)]}" gw \
  "nodes[2].roles[1]: unknown role 'printers'"
expect_refusal duplicate-name "{\"nodes\":[$gw,$c1,$(node c1 7502 devices services)]}" gw \
  "nodes[2].name: duplicate node name 'c1'"
expect_refusal duplicate-address "{\"nodes\":[$gw,$c1,$(node d1 7501 devices services)]}" gw \
  "nodes[2].port: duplicate address 127.0.0.1:7501"
expect_refusal missing-role "{\"nodes\":[$gw,$c1,$(node d1 7502 devices)]}" gw \
  "nodes: no node holds the services role"
expect_refusal bad-port "{\"nodes\":[$gw,$c1,$(node d1 70000 devices services)]}" gw \
  "nodes[2].port: must be at most 65535"
expect_refusal unknown-field "{\"nodes\":[$gw,$c1,$d1],\"replicas\":2}" gw \
  "replicas: unknown field"
expect_refusal not-json "{\"nodes\":[$gw," gw "document:"
expect_refusal unknown-node "{\"insecure\":true,\"nodes\":[$gw,$c1,$d1]}" c9 \
  "node.unknown_name name=c9"
expect_refusal no-tls "{\"nodes\":[$gw,$c1,$d1]}" gw \
  "tls: is missing: cluster connections are mutual TLS"
expect_refusal tls-and-insecure "{\"tls\":{\"dir\":\"certs\"},\"insecure\":true,\"nodes\":[$gw,$c1,$d1]}" gw \
  "insecure: cannot be true beside tls"
expect_refusal no-certs "{\"tls\":{\"dir\":\"certs\"},\"nodes\":[$gw,$c1,$d1]}" gw \
  "node.tls_refused name=gw reason=\"$work/certs/ca.pem: is not a readable PEM CA certificate"

# A one-node insecure cluster (plain BASP, so that the bytes reach it).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
printf '{"insecure": true, "nodes": [{"name": "n1", "host": "127.0.0.1", "port": %d, "gateway_port": %d, "roles": ["gateway", "contracts", "devices", "services"]}]}\n' \
  "$port" "$(free_port)" >"$work/one.json"
"$onset_node" --cluster "$work/one.json" --node n1 --data-dir "$work/one" \
  --http-port 0 >"$work/one.log" 2>&1 &
one=$!
for _ in $(seq 100); do grep -q node.up "$work/one.log" && break; sleep 0.1; done
python3 - "$port" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.settimeout(2)
s.recv(4096)  # the node's server handshake
# A client handshake header (operation 1) of zeros: no payload.
s.sendall(bytes([1]) + bytes(31))
time.sleep(1)
PY
if kill -0 "$one" 2>/dev/null && grep -q "basp.malformed" "$work/one.log"; then
  echo "ok malformed BASP: refused, the node runs"
  kill -TERM "$one"
  wait "$one" || true
else
  wait "$one" && echo "FAIL malformed BASP: no basp.malformed in the log" >&2 \
    || echo "FAIL malformed BASP: the node died (status $?)" >&2
  tail -3 "$work/one.log" >&2
  failures=$((failures + 1))
fi

rc=0
"$onset_node" --node gw >/dev/null 2>&1 || rc=$?
if [ "$rc" -ne 2 ]; then
  echo "FAIL: --node without --cluster exited $rc, expected 2 (usage)" >&2
  failures=$((failures + 1))
else
  echo "ok --node without --cluster: usage error"
fi
[ "$failures" -eq 0 ] || exit 1
echo PASS
