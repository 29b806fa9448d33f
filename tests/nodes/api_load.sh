#!/usr/bin/env bash
# The HTTP API holds 200 concurrent clients (docs/api.md, Limits): 150
# submitting contracts and 50 reading them, each on its own keep-alive
# connection, for a few seconds; onset-bench-api exits 1 on any transport
# error or status that is not 2xx. Then 200 clients again, nearly all
# reading: the node's memory must not grow with the requests served.
source "$(dirname "$0")/lib.sh" "$1" "$2" "$3"
BENCH_API=$4

start_node
for _ in $(seq 50); do [ -s "$DATA/http.port" ] && break; sleep 0.1; done
API=http://127.0.0.1:$(cat "$DATA/http.port")
rss() { awk '/^VmRSS/ {print $2}' "/proc/$NODE_PID/status"; }

step "200 concurrent clients, single documents"
"$BENCH_API" --server "$API" --token-file "$DATA/admin.token" \
  --clients 200 --readers 50 --seconds 3 --run one \
  || fail "onset-bench-api saw errors with 200 clients"
after_first=$(rss)

step "200 concurrent clients again, nearly all reading: the node's memory stays"
"$BENCH_API" --server "$API" --token-file "$DATA/admin.token" \
  --clients 200 --readers 199 --seconds 3 --run two \
  || fail "onset-bench-api saw errors with 200 clients (second run)"
after_second=$(rss)
echo "rss_kb after_first=$after_first after_second=$after_second"
# Every contract of the first run has its CONTRACT actor (they start in
# 2030), so the first run's growth is the contracts'. The second writes
# few: what it adds is what 200 connections and their requests keep.
[ "$after_second" -lt $((after_first + 16384)) ] \
  || fail "RSS grew from $after_first kB to $after_second kB with 200 readers"

stop_node
echo "PASS [$TEST_NAME]"
