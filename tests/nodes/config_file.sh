#!/usr/bin/env bash
# `onset-node --config FILE` (docs/operations.md, "Configuration"): the
# example file deploy/onset-node.example.toml, with some of its lines
# uncommented, starts a node; every option is also read from ONSET_*
# environment variables; a flag beats the environment, which beats the
# file; an unknown key or a bad value in the file is refused, naming it.
set -euo pipefail
source "$(dirname "$0")/lib.sh" "$@"

EXAMPLE=$SRC/deploy/onset-node.example.toml
CONF=$WORK/node.toml

# uncomment KEY VALUE: CONF's commented `# KEY = ...` line becomes
# `KEY = VALUE`.
uncomment() {
  grep -q "^# $1 = " "$CONF" || fail "$EXAMPLE has no commented '$1' line"
  sed -i "s|^# $1 = .*|$1 = $2|" "$CONF"
}

# start_configured ARGS...: starts `onset-node ARGS...` (no other option)
# and waits until it wrote DATA/http.port (DATA from the file).
start_configured() {
  rm -f "$DATA/http.port"
  "$NODE_BIN" "$@" >>"$NODE_LOG" 2>&1 &
  NODE_PID=$!
  local i
  for i in $(seq 150); do
    [ -s "$DATA/http.port" ] && return 0
    kill -0 "$NODE_PID" 2>/dev/null || {
      wait "$NODE_PID" || true
      NODE_PID=
      fail "onset-node $* exited before serving its API"
    }
    sleep 0.1
  done
  fail "onset-node $* did not serve its API within 15 s"
}

# opened_with SYNC: the log (JSON) says the store in DATA was opened with
# SYNC.
opened_with() {
  local line
  line=$(grep "\"event\":\"lmdb.open\",\"dir\":\"$DATA\"," "$NODE_LOG" \
    | tail -n 1)
  [ -n "$line" ] || fail "no lmdb.open of $DATA (as JSON) in the log"
  expect_contains "$line" "\"sync\":\"$1\"" "lmdb.open"
}

step "every option of --help is in the example, commented"
options=$("$NODE_BIN" --help | grep -oE '^  --[a-z-]+' | sed 's/^  --//' \
  | grep -vxE 'help|version|config' | sort -u)
[ -n "$options" ] || fail "no option in onset-node --help"
for option in $options; do
  grep -q "^# $option = " "$EXAMPLE" || fail "$EXAMPLE lacks '# $option = '"
done

step "the example, unchanged, is a valid file"
rc=0
out=$("$NODE_BIN" --config "$EXAMPLE" --help 2>&1) || rc=$?
[ $rc -eq 0 ] || fail "--config EXAMPLE --help exited with $rc: $out"

step "a node starts with the options of the file"
cp "$EXAMPLE" "$CONF"
uncomment data-dir "\"$DATA\""
uncomment http-port 0
uncomment log-format '"json"'
uncomment sync '"no_sync"'
: >"$NODE_LOG"
start_configured --config "$CONF"
opened_with no_sync
stop_node

step "the environment beats the file, a flag beats both"
: >"$NODE_LOG"
ONSET_SYNC=no_meta_sync start_configured --config "$CONF"
opened_with no_meta_sync
stop_node
: >"$NODE_LOG"
ONSET_SYNC=no_meta_sync start_configured --config "$CONF" --sync durable
opened_with durable
stop_node

step "the environment alone, without a file"
: >"$NODE_LOG"
ONSET_DATA_DIR=$DATA ONSET_HTTP_PORT=0 ONSET_LOG_FORMAT=json \
  ONSET_SYNC=no_meta_sync start_configured
opened_with no_meta_sync
stop_node

# refused EXPECTED_TEXT ARGS...: `onset-node ARGS...` exits 2 at once,
# saying EXPECTED_TEXT.
refused() {
  local want=$1 rc=0 err
  shift
  err=$("$NODE_BIN" "$@" 2>&1) || rc=$?
  [ $rc -eq 2 ] || fail "onset-node $* exited with $rc, expected 2: $err"
  expect_contains "$err" "$want" "onset-node $*"
}

step "an unknown key, a bad value, a missing file are refused"
cp "$CONF" "$WORK/typo.toml"
echo 'http-prot = 8080' >>"$WORK/typo.toml"
refused "$WORK/typo.toml: unknown key 'http-prot'" --config "$WORK/typo.toml"
cp "$CONF" "$WORK/bad.toml"
sed -i 's|^sync = .*|sync = "fast"|' "$WORK/bad.toml"
refused "--sync: fast not in {" --config "$WORK/bad.toml"
refused "$WORK/none.toml" --config "$WORK/none.toml"
refused "--sync: fast not in {" --data-dir "$DATA" --http-port 0 \
  --config "$CONF" --sync fast
ONSET_SYNC=fast refused "--sync: fast not in {" --config "$CONF"

echo "PASS [$TEST_NAME]"
