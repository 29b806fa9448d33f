#!/usr/bin/env bash
# Health and readiness of an embedded node (docs/api.md, docs/deploy.md):
# /healthz and /readyz answer without a token; the systemd unit is
# Type=notify with a watchdog; a node given $NOTIFY_SOCKET sends READY=1,
# WATCHDOG=1 pings at half $WATCHDOG_USEC and STOPPING=1, read here from a
# unix datagram socket (socat). The cluster side (a peer down makes /readyz
# 503) is in tests/cluster/five_nodes_test.sh.
source "$(dirname "$0")/lib.sh" "$@"

UNIT=$SRC/deploy/systemd/onset-node@.service

step "the systemd unit is Type=notify with a watchdog"
grep -qx 'Type=notify' "$UNIT" || fail "$UNIT: no Type=notify"
grep -Eqx 'WatchdogSec=[0-9]+s?' "$UNIT" || fail "$UNIT: no WatchdogSec"
grep -qx 'NotifyAccess=main' "$UNIT" || fail "$UNIT: no NotifyAccess=main"

command -v socat >/dev/null || fail "socat is needed (scripts/install-deps.sh)"
SOCK=$WORK/notify.sock
NOTES=$WORK/notify.out
# One datagram per state change; socat writes them one after the other.
socat -u "UNIX-RECV:$SOCK" "OPEN:$NOTES,creat,append" &
EXTRA_PIDS+=($!)
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || fail "socat did not create $SOCK"

# notified TEXT SECONDS: whether TEXT arrives on the socket within SECONDS.
notified() {
  local i
  for i in $(seq $(($2 * 10))); do
    grep -q "$1" "$NOTES" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

step "a node with NOTIFY_SOCKET and WATCHDOG_USEC=1 s: READY=1, WATCHDOG=1"
NOTIFY_SOCKET=$SOCK WATCHDOG_USEC=1000000 start_node
notified READY=1 15 || fail "no READY=1 on $SOCK: $(cat "$NOTES" 2>/dev/null)"
grep -q "node.up" "$NODE_LOG" || fail "READY=1 came before node.up"
notified WATCHDOG=1 3 || fail "no WATCHDOG=1 within 3 s: $(cat "$NOTES")"
grep -q "systemd.watchdog interval_ms=500" "$NODE_LOG" \
  || fail "the watchdog does not ping at half WATCHDOG_USEC"

step "/healthz and /readyz answer 200 without a token"
code=$(curl -s -o "$WORK/healthz" -w '%{http_code}' "$ONSET_SERVER/healthz")
[ "$code" = 200 ] || fail "/healthz: $code $(cat "$WORK/healthz")"
jq -e '.alive == true' "$WORK/healthz" >/dev/null || fail "/healthz: $(cat "$WORK/healthz")"
code=$(curl -s -o "$WORK/readyz" -w '%{http_code}' "$ONSET_SERVER/readyz")
[ "$code" = 200 ] || fail "/readyz: $code $(cat "$WORK/readyz")"
jq -e '.ready == true and .not_ready == []' "$WORK/readyz" >/dev/null \
  || fail "/readyz: $(cat "$WORK/readyz")"
# A token is still needed everywhere else.
code=$(curl -s -o /dev/null -w '%{http_code}' "$ONSET_SERVER/v1/contracts")
[ "$code" = 401 ] || fail "/v1/contracts without a token: $code"

step "SIGTERM: STOPPING=1, clean exit"
stop_node
notified STOPPING=1 2 || fail "no STOPPING=1: $(cat "$NOTES")"

step "without NOTIFY_SOCKET nothing is sent and the node runs as before"
: >"$NOTES"
start_node
code=$(curl -s -o /dev/null -w '%{http_code}' "$ONSET_SERVER/readyz")
[ "$code" = 200 ] || fail "/readyz without systemd: $code"
stop_node
[ ! -s "$NOTES" ] || fail "a node without NOTIFY_SOCKET notified: $(cat "$NOTES")"
step "PASS"
