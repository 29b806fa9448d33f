#!/usr/bin/env bash
# (g) With the node down, `onset` says so within seconds (exit 3), naming
# the API's address, and never hangs: a node that stopped, and a node that
# is frozen.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"

# within SECONDS ARGS...: `onset ARGS...` exits 3, naming the server, in
# less than SECONDS.
within() {
  local limit=$1
  shift
  local began=$SECONDS
  run_onset 3 "$@"
  [ $((SECONDS - began)) -lt "$limit" ] \
    || fail "onset $* took $((SECONDS - began)) s"
  expect_contains "$ERR" "onset: " "onset $*"
  expect_contains "$ERR" "server at $ONSET_SERVER" "onset $*"
}

step "a node that stopped"
start_node
run_onset 0 status
stop_node
within 5 status
expect_contains "$ERR" "cannot reach the server" "status after stop"
within 5 devices list
within 5 wait C-1001 --timeout 30

step "a frozen node (SIGSTOP): connections are accepted, never answered"
start_node
run_onset 0 status
kill -STOP "$NODE_PID"
within 5 status --timeout 1
expect_contains "$ERR" "no answer within 1 s" "frozen node"
kill -CONT "$NODE_PID"
run_onset 0 status
stop_node

echo "PASS [$TEST_NAME]"
