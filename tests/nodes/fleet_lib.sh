# onset-fleet for the end-to-end tests (tests/nodes/fleet.sh,
# tests/nodes/endpoint_boundary.sh): start, stop and kill the server. The
# sourcing test sets FLEET_BIN, WORK, FLEET_LOG, PRINTERS, writes the token
# to $WORK/token (mode 0600) and defines `fail`; FLEET_PORT, if set, is
# the port to listen on (default: a free one). Sets FLEET_PID and PORT.

# start_fleet DATA_DIR [OPTIONS...]: starts onset-fleet on a free port and
# waits until it logged `fleet.listening`; sets PORT.
start_fleet() {
  [ -z "$FLEET_PID" ] || fail "start_fleet: a server already runs"
  local data=$1
  shift
  : >"$FLEET_LOG"
  "$FLEET_BIN" --data-dir "$data" --printers "$PRINTERS" \
    --token-file "$WORK/token" --port "${FLEET_PORT:-0}" "$@" >>"$FLEET_LOG" 2>&1 &
  FLEET_PID=$!
  local i
  for i in $(seq 100); do
    PORT=$(sed -n 's/.*fleet\.listening .*port=\([0-9]*\).*/\1/p' "$FLEET_LOG")
    [ -n "$PORT" ] && return 0
    kill -0 "$FLEET_PID" 2>/dev/null || fail "onset-fleet exited at start"
    sleep 0.1
  done
  fail "onset-fleet did not log fleet.listening within 10 s"
}

stop_fleet() {
  kill -TERM "$FLEET_PID"
  local rc=0
  wait "$FLEET_PID" || rc=$?
  FLEET_PID=
  [ $rc -eq 0 ] || fail "onset-fleet exited with $rc after SIGTERM"
}

kill_fleet() {
  kill -KILL "$FLEET_PID"
  wait "$FLEET_PID" 2>/dev/null || true
  FLEET_PID=
}

