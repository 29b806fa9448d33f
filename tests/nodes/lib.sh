# Shared functions of the end-to-end tests (tests/nodes/*.sh). Each test
# starts its own `onset-node` in a fresh temp directory, drives it only
# through the `onset` CLI, and kills, on any exit, the node it started (and
# the onset-fleet of tests/nodes/fleet_lib.sh, FLEET_PID, if it started
# one, and the processes a test appended to EXTRA_PIDS) and nothing else.
#
# Usage, at the top of a test:
#   source "$(dirname "$0")/lib.sh" NODE_BIN ONSET_BIN SOURCE_DIR
#
# Sets: NODE_BIN, ONSET_BIN, SRC (source tree), SAMPLES, WORK (temp dir),
# DATA (the node's data directory), and, while a node runs, NODE_PID and
# ONSET_SERVER and ONSET_DATA_DIR (read by `onset`: the node's HTTP API, and
# where its admin.token is). Keeps WORK when ONSET_KEEP_WORK=1.

if [ $# -lt 3 ]; then
  echo "usage: $0 ONSET_NODE_BIN ONSET_BIN SOURCE_DIR" >&2
  exit 2
fi
NODE_BIN=$1
ONSET_BIN=$2
SRC=$3
SAMPLES=$SRC/config/samples
WORK=$(mktemp -d "${TMPDIR:-/tmp}/onset-e2e.XXXXXX")
DATA=$WORK/data
NODE_LOG=$WORK/node.log
NODE_PID=
EXTRA_PIDS=()
TEST_NAME=$(basename "$0" .sh)
unset ONSET_SERVER ONSET_TOKEN ONSET_DATA_DIR ONSET_CACERT

# Prints a message and the node log's tail, and ends the test with status 1.
fail() {
  echo "FAIL [$TEST_NAME]: $*" >&2
  if [ -s "$NODE_LOG" ]; then
    echo "--- last lines of $NODE_LOG:" >&2
    tail -n 25 "$NODE_LOG" >&2
  fi
  exit 1
}

# Progress lines, so that `ctest --output-on-failure` shows where it stopped.
step() {
  echo "== [$TEST_NAME] $*"
}

_cleanup() {
  local rc=$?
  local pid
  for pid in "$NODE_PID" "${FLEET_PID:-}" "${EXTRA_PIDS[@]}"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [ "${ONSET_KEEP_WORK:-0}" = 1 ] || [ $rc -ne 0 ]; then
    echo "[$TEST_NAME] work directory kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# start_node [ONSET-NODE OPTIONS...]: starts a node on DATA with its HTTP
# API on a free loopback port, and waits (at most 15 s) until it serves it;
# then exports ONSET_SERVER (https:// when given --tls-cert) and
# ONSET_DATA_DIR.
start_node() {
  [ -z "$NODE_PID" ] || fail "start_node: a node is already running"
  mkdir -p "$DATA"
  # A SIGKILLed node leaves its port file behind.
  rm -f "$DATA/http.port"
  "$NODE_BIN" --data-dir "$DATA" --http-port 0 \
    --log-level info "$@" \
    >>"$NODE_LOG" 2>&1 &
  NODE_PID=$!
  local scheme=http arg
  for arg in "$@"; do
    [ "$arg" != --tls-cert ] || scheme=https
  done
  local i
  for i in $(seq 150); do
    if [ -s "$DATA/http.port" ]; then
      export ONSET_SERVER="$scheme://127.0.0.1:$(cat "$DATA/http.port")"
      export ONSET_DATA_DIR=$DATA
      return 0
    fi
    if ! kill -0 "$NODE_PID" 2>/dev/null; then
      wait "$NODE_PID" || true
      NODE_PID=
      fail "onset-node exited before serving its API"
    fi
    sleep 0.1
  done
  fail "onset-node did not serve its API within 15 s"
}

# stop_node: SIGTERM, and the node must be gone within 10 s with status 0.
stop_node() {
  [ -n "$NODE_PID" ] || fail "stop_node: no node running"
  kill -TERM "$NODE_PID"
  expect_node_exit 0
}

# expect_node_exit RC: the node must end on its own within 10 s, with status
# RC.
expect_node_exit() {
  [ -n "$NODE_PID" ] || fail "expect_node_exit: no node running"
  local i
  for i in $(seq 100); do
    if ! kill -0 "$NODE_PID" 2>/dev/null; then
      local rc=0
      wait "$NODE_PID" || rc=$?
      NODE_PID=
      [ $rc -eq "$1" ] || fail "onset-node exited with $rc, expected $1"
      return 0
    fi
    sleep 0.1
  done
  fail "onset-node still runs 10 s later, expected it to exit with $1"
}

# kill_node: SIGKILL, as a crash.
kill_node() {
  [ -n "$NODE_PID" ] || fail "kill_node: no node running"
  kill -KILL "$NODE_PID"
  wait "$NODE_PID" 2>/dev/null || true
  NODE_PID=
}

# run_onset EXPECTED_RC ARGS...: runs `onset ARGS...`, keeps its stdout in
# OUT and its stderr in ERR, and fails unless it exits with EXPECTED_RC.
run_onset() {
  local want=$1
  shift
  local rc=0
  "$ONSET_BIN" "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  OUT=$(cat "$WORK/out")
  ERR=$(cat "$WORK/err")
  if [ "$rc" -ne "$want" ]; then
    fail "onset $* exited with $rc, expected $want
stdout: $OUT
stderr: $ERR"
  fi
}

# expect_contains TEXT NEEDLE WHAT: fails unless TEXT contains NEEDLE.
expect_contains() {
  case "$1" in
    *"$2"*) ;;
    *) fail "$3: expected '$2' in: $1" ;;
  esac
}

# contract_state ID: the contract's state, from `onset status`.
contract_state() {
  run_onset 0 status
  awk -v id="$1" '$1 == id { print $4 }' <<<"$OUT"
}
