#!/usr/bin/env bash
# Instructions leave Onset (docs/endpoints.md): a real onset-node delivers
# through its HTTP adapter to a real onset-fleet process, and what the
# printers and services hold is read from the fleet server. Provisioning,
# the renewal delta and a cancel; a refused printer; the fleet server
# SIGKILLed mid-run and restarted; an endpoint down for longer than the
# request timeout; a state-only endpoint that loses replies. After each,
# `onset-fleet audit` proves every effect performed exactly once, in order.
# Then HTTPS with a throwaway CA made by `openssl`: a node trusting that CA
# provisions; one trusting another CA, or reaching a server whose
# certificate names another host, provisions nothing and says why; with
# client certificates required (`--client-ca`), a node without one does not
# get through. Then nodes without the devices and services roles, which
# start no endpoint client; and printers routed by customer to two fleet
# servers, each of which gets only its customer's printers.
#
# Usage: endpoint_boundary.sh ONSET_NODE_BIN ONSET_BIN SOURCE_DIR
#        ONSET_FLEET_BIN
source "$(dirname "$0")/lib.sh" "$@"
FLEET_BIN=$4
FLEET_LOG=$WORK/fleet.log
FLEET_PID=
PRINTERS=$SAMPLES/devices.json
source "$(dirname "$0")/fleet_lib.sh"

printf 'boundary-test-token\n' >"$WORK/token"
chmod 600 "$WORK/token"

# endpoints_file PORT [IDEMPOTENT]: Onset's endpoints file for one fleet
# server playing every endpoint.
endpoints_file() {
  local url=http://127.0.0.1:$1 idem=${2:-true}
  jq -n --arg url "$url" --arg token "$WORK/token" --argjson idem "$idem" \
    '{printers: {url: $url, token_file: $token, idempotent: $idem},
      services: {"*": {url: $url, token_file: $token, idempotent: $idem}}}' \
    >"$WORK/endpoints.json"
}

# fleet_get PATH [CURL_OPTIONS...]: the fleet server's answer to GET PATH,
# in BODY; from FLEET_URL if set (https), else http://127.0.0.1:$PORT.
fleet_get() {
  local path=$1
  shift
  BODY=$(curl -sS "$@" -H "Authorization: Bearer $(cat "$WORK/token")" \
    "${FLEET_URL:-http://127.0.0.1:$PORT}$path") \
    || fail "GET $path from the fleet server failed"
}

# audit_clean DATA: `onset-fleet audit` of DATA finds no duplicate, gap or
# order violation; prints its totals.
audit_clean() {
  local rc=0
  "$FLEET_BIN" audit --data-dir "$1" --json >"$WORK/audit.json" \
    2>"$WORK/audit.err" || rc=$?
  echo "audit totals: $(jq -c .totals "$WORK/audit.json" 2>/dev/null)"
  [ $rc -eq 0 ] || fail "onset-fleet audit found problems (exit $rc): \
$(jq -c '.streams[] | select((.duplicated | length) > 0 or (.gaps | length) > 0 or (.order_violations | length) > 0)' "$WORK/audit.json" | head -5)"
}

wait_state() {
  run_onset 0 wait "$1" --state "$2" --timeout "${3:-60}"
}

step "provisioning through the fleet server"
start_fleet "$WORK/fleet"
FLEET_PORT=$PORT
endpoints_file "$PORT"
start_node --endpoints "$WORK/endpoints.json"
run_onset 0 devices add "$PRINTERS"
run_onset 0 submit "$SAMPLES/contract-acme-backup.json"
wait_state C-1001 active
fleet_get /v1/printers/MFP-0001
[ "$(jq -r .firmware <<<"$BODY")" != 2.4.0 ] \
  || fail "MFP-0001 still runs its first firmware at the fleet server: $BODY"
jq -e '.apps | length > 0' <<<"$BODY" >/dev/null \
  || fail "no application installed on MFP-0001 at the fleet server: $BODY"
fleet_get /v1/services/data_backup/printers/MFP-0001
jq -e '.registered and .active' <<<"$BODY" >/dev/null \
  || fail "MFP-0001 is not served at data_backup: $BODY"
expect_contains "$(jq -c .settings <<<"$BODY")" '"backup_format":"full"' \
  "data_backup settings of MFP-0001"

step "the renewal sends only its delta"
run_onset 0 submit "$SAMPLES/renewal-acme-backup.json"
wait_state C-1001 active
fleet_get /v1/services/data_backup/printers/MFP-0001
expect_contains "$(jq -c .settings <<<"$BODY")" \
  '"backup_format":"differential"' "data_backup settings after the renewal"

step "a cancel removes what the contract put there"
run_onset 0 cancel C-1001
wait_state C-1001 ended
fleet_get /v1/services/data_backup/printers/MFP-0001
jq -e '(.registered or .active) | not' <<<"$BODY" >/dev/null \
  || fail "MFP-0001 is still served at data_backup after the cancel: $BODY"
audit_clean "$WORK/fleet"

step "the fleet server SIGKILLed while a contract provisions"
run_onset 0 submit "$SAMPLES/contract-acme-delivery.json"
sleep 0.3
kill_fleet
sleep 2
start_fleet "$WORK/fleet"
wait_state C-1002 active
audit_clean "$WORK/fleet"

step "an endpoint down for longer than the request timeout"
stop_fleet
run_onset 0 submit "$SAMPLES/contract-initech-cloud.json"
sleep 7
[ "$(contract_state C-3001)" = provisioning ] \
  || fail "C-3001 is $(contract_state C-3001) while its endpoint is down"
start_fleet "$WORK/fleet"
wait_state C-3001 active 90
audit_clean "$WORK/fleet"

step "a printer the fleet server refuses is left behind, the other finishes"
stop_fleet
start_fleet "$WORK/fleet" --refuse MFP-0102
run_onset 0 submit "$SAMPLES/contract-globex-device-only.json"
wait_state C-2001 degraded
run_onset 0 status C-2001
expect_contains "$OUT" "MFP-0102" "status of C-2001"
audit_clean "$WORK/fleet"

step "once the printer takes instructions again, a retry provisions it"
stop_fleet
start_fleet "$WORK/fleet"
run_onset 0 retry C-2001
wait_state C-2001 active 60
audit_clean "$WORK/fleet"
stop_node
stop_fleet

step "a state-only endpoint that loses replies gets every effect once"
unset FLEET_PORT
start_fleet "$WORK/fleet-state-only" --state-only --lose-reply 0.3 --seed 5
FLEET_PORT=$PORT
endpoints_file "$PORT" false
rm -rf "$DATA"
start_node --endpoints "$WORK/endpoints.json"
run_onset 0 devices add "$PRINTERS"
for c in contract-acme-backup contract-acme-delivery contract-initech-cloud; do
  run_onset 0 submit "$SAMPLES/$c.json"
done
wait_state C-1001 active 90
wait_state C-1002 active 90
wait_state C-3001 active 90
lost=$(grep -c 'fleet.reply_lost' "$FLEET_LOG" || true)
echo "replies lost on purpose: $lost"
[ "$lost" -gt 0 ] || fail "the fleet server lost no reply"
audit_clean "$WORK/fleet-state-only"
stop_node
stop_fleet
# ---- HTTPS ---------------------------------------------------------------
TLS=$WORK/tls
mkdir -p "$TLS"

# tls_ca NAME: a throwaway CA, $TLS/NAME.pem and its key $TLS/NAME.key.
tls_ca() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -days 2 -subj "/CN=onset test $1" -keyout "$TLS/$1.key" \
    -out "$TLS/$1.pem" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>>"$TLS/openssl.log" \
    || fail "openssl could not make the CA $1: $(tail -3 "$TLS/openssl.log")"
}

# tls_cert NAME CA EXTENSIONS [CN]: a key and a certificate signed by CA,
# with EXTENSIONS (openssl x509 -extfile lines) and the common name CN
# (default "onset test NAME"), in $TLS/NAME.pem and NAME.key.
tls_cert() {
  printf '%s\n' "$3" >"$TLS/$1.ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -subj "/CN=${4:-onset test $1}" -keyout "$TLS/$1.key" -out "$TLS/$1.csr" \
    2>>"$TLS/openssl.log" \
    && openssl x509 -req -in "$TLS/$1.csr" -CA "$TLS/$2.pem" \
      -CAkey "$TLS/$2.key" -CAcreateserial -days 2 -extfile "$TLS/$1.ext" \
      -out "$TLS/$1.pem" 2>>"$TLS/openssl.log" \
    || fail "openssl could not make the certificate $1: $(tail -3 "$TLS/openssl.log")"
}

# tls_endpoints FILE URL CA [CERT]: an endpoints file for one fleet server
# at URL playing every endpoint, trusting CA, presenting the client
# certificate CERT ($TLS/CERT.pem and .key) if given.
tls_endpoints() {
  local url=$2 ca=$TLS/$3.pem cert=${4:+$TLS/$4.pem} key=${4:+$TLS/$4.key}
  jq -n --arg url "$url" --arg token "$WORK/token" --arg ca "$ca" \
    --arg cert "$cert" --arg key "$key" \
    '{url: $url, token_file: $token, ca_file: $ca}
     + (if $cert == "" then {} else {client_cert: $cert, client_key: $key} end)
     | {printers: ., services: {"*": .}}' >"$1"
}

declare -A SIDE_PID SIDE_SERVER

# start_side_node NAME [ONSET-NODE OPTIONS...]: another onset-node beside
# the test's own (data in $WORK/NAME, log in $WORK/NAME.log); waits until
# it logged node.up, and takes its API's address if it serves one.
start_side_node() {
  local name=$1 dir=$WORK/$1 i
  shift
  mkdir -p "$dir"
  "$NODE_BIN" --data-dir "$dir" --http-port 0 --log-level info "$@" \
    >"$WORK/$name.log" 2>&1 &
  SIDE_PID[$name]=$!
  EXTRA_PIDS+=("$!")
  for i in $(seq 150); do
    if grep -q 'node\.up ' "$WORK/$name.log"; then
      [ -s "$dir/http.port" ] \
        && SIDE_SERVER[$name]=http://127.0.0.1:$(cat "$dir/http.port")
      return 0
    fi
    kill -0 "${SIDE_PID[$name]}" 2>/dev/null \
      || fail "onset-node $name exited at start: $(tail -5 "$WORK/$name.log")"
    sleep 0.1
  done
  fail "onset-node $name did not log node.up within 15 s"
}

# side_onset NAME EXPECTED_RC ARGS...: run_onset against node NAME.
side_onset() {
  local -x ONSET_SERVER=${SIDE_SERVER[$1]} ONSET_DATA_DIR=$WORK/$1
  shift
  run_onset "$@"
}

# stop_side_node NAME: SIGTERM; it must exit 0 within 10 s.
stop_side_node() {
  local pid=${SIDE_PID[$1]} i rc=0
  kill -TERM "$pid"
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && fail "onset-node $1 still runs 10 s after SIGTERM"
  wait "$pid" || rc=$?
  [ $rc -eq 0 ] || fail "onset-node $1 exited with $rc: $(tail -5 "$WORK/$1.log")"
}

# expect_held_back NAME WHAT: node NAME, given C-2001, retried its steps
# (two failed attempts of one) and named its printers endpoint and WHAT (a
# regular expression) in an endpoint.down event or a failed step's reason,
# within 10 s; it delivered nothing (C-2001 still provisioning) and stops
# cleanly.
expect_held_back() {
  local log=$WORK/$1.log i
  local retried='step\.failed .*stream=C-2001>device/MFP-0101 .*reason="endpoint printers'
  local named="(endpoint\.down endpoint=printers what=\"|reason=\"endpoint printers [a-z ]+: no answer: )$2"
  for i in $(seq 100); do
    [ "$(grep -c "$retried" "$log")" -ge 2 ] && grep -Eq "$named" "$log" \
      && break
    sleep 0.1
  done
  [ "$(grep -c "$retried" "$log")" -ge 2 ] \
    || fail "node $1 did not retry its steps: $(grep 'step\.failed' "$log" | head -3)"
  grep -Eq "$named" "$log" \
    || fail "node $1 did not name the printers endpoint and '$2': \
$(grep -E 'endpoint\.down|step\.failed' "$log" | head -5)"
  echo "node $1: $(grep -Eo "$named[^\"]*" "$log" | head -1)"
  side_onset "$1" 0 status
  [ "$(awk '$1 == "C-2001" { print $4 }' <<<"$OUT")" = provisioning ] \
    || fail "C-2001 on node $1 is not held back: $OUT"
  stop_side_node "$1"
}

step "HTTPS: a node trusting the fleet server's CA provisions through it"
tls_ca ca
tls_ca other-ca
tls_ca client-ca
tls_cert server ca "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth"
# Its subjectAltName names another host; its common name is the URL's
# host, which must not count once a subjectAltName names a host (RFC 6125).
tls_cert elsewhere ca "subjectAltName=DNS:fleet.elsewhere.example
extendedKeyUsage=serverAuth" localhost
tls_cert client client-ca "extendedKeyUsage=clientAuth"
tls_cert rogue other-ca "extendedKeyUsage=clientAuth"
unset FLEET_PORT
# A server of the same CA whose certificate names another host.
FLEET_LOG=$WORK/fleet-elsewhere.log
start_fleet "$WORK/fleet-elsewhere" --tls-cert "$TLS/elsewhere.pem" \
  --tls-key "$TLS/elsewhere.key"
ELSEWHERE_PID=$FLEET_PID
EXTRA_PIDS+=("$FLEET_PID")
FLEET_PID=
FLEET_LOG=$WORK/fleet.log
tls_endpoints "$WORK/tls-elsewhere.json" "https://localhost:$PORT" ca
start_fleet "$WORK/fleet-tls" --tls-cert "$TLS/server.pem" \
  --tls-key "$TLS/server.key"
grep -q 'fleet\.listening .*tls=true' "$FLEET_LOG" \
  || fail "onset-fleet did not say it serves TLS: $(cat "$FLEET_LOG")"
TLS_PORT=$PORT
tls_endpoints "$WORK/tls-good.json" "https://127.0.0.1:$TLS_PORT" ca
tls_endpoints "$WORK/tls-other-ca.json" "https://127.0.0.1:$TLS_PORT" other-ca
for n in tls-good tls-other-ca tls-elsewhere; do
  start_side_node "$n" --endpoints "$WORK/$n.json"
  side_onset "$n" 0 devices add "$PRINTERS"
done
side_onset tls-good 0 submit "$SAMPLES/contract-acme-backup.json"
for n in tls-other-ca tls-elsewhere; do
  side_onset "$n" 0 submit "$SAMPLES/contract-globex-device-only.json"
done
side_onset tls-good 0 wait C-1001 --state active --timeout 60
FLEET_URL=https://localhost:$TLS_PORT
fleet_get /v1/services/data_backup/printers/MFP-0001 --cacert "$TLS/ca.pem"
jq -e '.registered and .active' <<<"$BODY" >/dev/null \
  || fail "MFP-0001 is not served at data_backup over HTTPS: $BODY"
fleet_get /v1/printers/MFP-0001 --cacert "$TLS/ca.pem"
[ "$(jq -r .firmware <<<"$BODY")" != 2.4.0 ] \
  || fail "MFP-0001 still runs its first firmware at the HTTPS fleet: $BODY"
echo "MFP-0001 at the HTTPS fleet server: $(jq -c '{firmware, apps}' <<<"$BODY")"
stop_side_node tls-good

step "HTTPS: another CA, or a certificate for another host, gets nothing"
expect_held_back tls-other-ca \
  'SSLServerVerification \(TLS: unable to get local issuer certificate'
expect_held_back tls-elsewhere 'SSLServerVerification \(TLS: hostname mismatch'

[ "$(jq '.totals.effects' <("$FLEET_BIN" audit --data-dir "$WORK/fleet-elsewhere" --json))" = 0 ] \
  || fail "the server with the other host's certificate performed effects"
kill -TERM "$ELSEWHERE_PID"
wait "$ELSEWHERE_PID" || fail "onset-fleet (elsewhere) did not stop cleanly"
stop_fleet

step "HTTPS with client certificates: only a node presenting one gets through"
rc=0
"$FLEET_BIN" --data-dir "$WORK/fleet-tls" --token-file "$WORK/token" \
  --tls-cert "$TLS/server.pem" --tls-key "$TLS/server.key" \
  --client-ca "$TLS/server.ext" --port 0 >"$WORK/refused.log" 2>&1 || rc=$?
[ $rc -eq 2 ] && grep -qF "cannot load client CA $TLS/server.ext" "$WORK/refused.log" \
  || fail "a client CA file without a certificate: exit $rc, $(cat "$WORK/refused.log")"
start_fleet "$WORK/fleet-tls" --tls-cert "$TLS/server.pem" \
  --tls-key "$TLS/server.key" --client-ca "$TLS/client-ca.pem"
TLS_PORT=$PORT
FLEET_URL=https://localhost:$TLS_PORT
tls_endpoints "$WORK/mtls-good.json" "https://localhost:$TLS_PORT" ca client
tls_endpoints "$WORK/mtls-none.json" "https://localhost:$TLS_PORT" ca
for n in mtls-good mtls-none; do
  start_side_node "$n" --endpoints "$WORK/$n.json"
  side_onset "$n" 0 devices add "$PRINTERS"
  side_onset "$n" 0 submit "$SAMPLES/contract-globex-device-only.json"
done
side_onset mtls-good 0 wait C-2001 --state active --timeout 60
fleet_get /v1/printers/MFP-0101 --cacert "$TLS/ca.pem" \
  --cert "$TLS/client.pem" --key "$TLS/client.key"
echo "MFP-0101 at the fleet server requiring client certificates: \
$(jq -c '{firmware, apps}' <<<"$BODY")"
curl -sS --cacert "$TLS/ca.pem" "$FLEET_URL/v1/health" >/dev/null 2>&1 \
  && fail "the fleet server answered a client without a certificate"
curl -sS --cacert "$TLS/ca.pem" --cert "$TLS/rogue.pem" --key "$TLS/rogue.key" \
  "$FLEET_URL/v1/health" >/dev/null 2>&1 \
  && fail "the fleet server answered a client whose certificate another CA signed"
grep -q 'fleet\.client_cert_refused .*reason=' "$FLEET_LOG" \
  || fail "onset-fleet did not log the client certificate it refused"
stop_side_node mtls-good
# Without a certificate the client's side of the handshake succeeds (TLS
# 1.3): the server's alert comes instead of the first answer (or the
# request's write fails, the server having closed the connection).
expect_held_back mtls-none 'Read \(TLS: .*certificate required'
stop_fleet
unset FLEET_URL

step "nodes without the devices and services roles start no endpoint client"
endpoints_file "$PORT"
base=$("$SRC/scripts/local-cluster.sh" free-ports 4)
"$SRC/scripts/cluster-certs.sh" "$WORK/certs" gw c1 d1 >/dev/null \
  || fail "cluster-certs.sh"
jq -n --argjson base "$base" --arg certs "$WORK/certs" '{tls: {dir: $certs}, nodes: [
  {name: "gw", host: "127.0.0.1", port: $base, gateway_port: ($base + 3),
   roles: ["gateway"]},
  {name: "c1", host: "127.0.0.1", port: ($base + 1), roles: ["contracts"]},
  {name: "d1", host: "127.0.0.1", port: ($base + 2),
   roles: ["devices", "services"]}]}' >"$WORK/cluster.json"
for n in gw c1 d1; do
  start_side_node "cluster-$n" --cluster "$WORK/cluster.json" --node "$n" \
    --endpoints "$WORK/endpoints.json"
done
for n in gw c1; do
  grep -q 'endpoint\.' "$WORK/cluster-$n.log" \
    && fail "cluster node $n (no devices or services role) started endpoint \
clients: $(grep 'endpoint\.' "$WORK/cluster-$n.log" | head -3)"
  grep -q 'node\.endpoints_unused ' "$WORK/cluster-$n.log" \
    || fail "cluster node $n did not log node.endpoints_unused"
done
grep -q 'endpoint\.client_started endpoint=printers ' "$WORK/cluster-d1.log" \
  || fail "cluster node d1 (devices, services) started no endpoint client"
echo "endpoint clients started: gw $(grep -c 'endpoint\.client_started' "$WORK/cluster-gw.log"), \
c1 $(grep -c 'endpoint\.client_started' "$WORK/cluster-c1.log"), \
d1 $(grep -c 'endpoint\.client_started' "$WORK/cluster-d1.log")"
for n in gw c1 d1; do
  stop_side_node "cluster-$n"
done

step "printers by customer: acme's to one fleet server, globex's to another"
jq '[.[] | select(.customer == "globex")]' "$PRINTERS" >"$WORK/globex.json"
FLEET_LOG=$WORK/fleet-globex.log
PRINTERS=$WORK/globex.json start_fleet "$WORK/fleet-globex"
GLOBEX_PID=$FLEET_PID
EXTRA_PIDS+=("$FLEET_PID")
FLEET_PID=
FLEET_LOG=$WORK/fleet.log
start_fleet "$WORK/fleet-acme"
jq -n --arg acme "http://127.0.0.1:$PORT" \
  --arg globex "http://127.0.0.1:$(sed -n 's/.*fleet\.listening .*port=\([0-9]*\).*/\1/p' "$WORK/fleet-globex.log")" \
  --arg token "$WORK/token" \
  '{printers: {url: $acme, token_file: $token},
    printers_by_customer: {globex: {url: $globex, token_file: $token}},
    services: {"*": {url: $acme, token_file: $token}}}' >"$WORK/by-customer.json"
start_side_node by-customer --endpoints "$WORK/by-customer.json"
side_onset by-customer 0 devices add "$PRINTERS"
side_onset by-customer 0 submit "$SAMPLES/contract-acme-backup.json"
side_onset by-customer 0 submit "$SAMPLES/contract-globex-device-only.json"
side_onset by-customer 0 wait C-1001 --state active --timeout 60
side_onset by-customer 0 wait C-2001 --state active --timeout 60
# printers_of DATA: the printers the printer streams (not the services')
# of the fleet server at DATA performed effects for.
printers_of() {
  "$FLEET_BIN" audit --data-dir "$1" --json \
    | jq -r '[.streams[] | select(.effects > 0) | .stream
              | select(contains(">device/")) | sub(".*>device/"; "")]
             | unique | join(",")'
}
acme_printers=$(printers_of "$WORK/fleet-acme")
globex_printers=$(printers_of "$WORK/fleet-globex")
echo "printers with effects: acme's fleet $acme_printers, globex's fleet $globex_printers"
[ "$acme_printers" = MFP-0001,MFP-0002 ] \
  || fail "acme's fleet server performed effects for printers $acme_printers"
[ "$globex_printers" = MFP-0101,MFP-0102 ] \
  || fail "globex's fleet server performed effects for printers $globex_printers"
# The services stay on the "*" endpoint, acme's fleet server.
"$FLEET_BIN" audit --data-dir "$WORK/fleet-globex" --json \
  | jq -e '[.streams[] | select(.stream | contains(">service/"))] | length == 0' \
    >/dev/null || fail "globex's fleet server was sent service instructions"
for n in printers printers_by_customer.globex 'services.\*'; do
  grep -q "endpoint\.client_started endpoint=$n " "$WORK/by-customer.log" \
    || fail "node by-customer logged no endpoint.client_started for $n"
done
stop_side_node by-customer
kill -TERM "$GLOBEX_PID"
wait "$GLOBEX_PID" || fail "onset-fleet (globex) did not stop cleanly"
stop_fleet

step "passed"
