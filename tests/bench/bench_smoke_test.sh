#!/usr/bin/env bash
# onset-bench with tiny sizes, so that the benchmark cannot rot: it must
# complete and print its summary line with every field (no figure is
# checked: the benchmark prints figures, tests do not time them). Then the
# run through onset-fleet, the scale run, and bad input refused naming the
# option.
#
# Usage: bench_smoke_test.sh ONSET_BENCH
set -euo pipefail
bench=$1
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

out=$("$bench" --devices 8 --contracts 4 --devices-per-contract 2 \
  --latency-contracts 2 --lmdb-single 20 --lmdb-batched 2 --clients 2 \
  --timeout 60) || fail "onset-bench failed: $out"
echo "$out"
summary=$(echo "$out" | grep '^onset_bench ') || fail "no summary line"
for field in steps_per_s contracts_per_s step_p50_ms step_p99_ms \
  idle_step_p50_ms idle_step_p99_ms first_active_s last_active_s \
  max_peak_rss_mb commits records_per_commit lmdb_single_commits_per_s \
  lmdb_batched_records_per_s ratio_to_lmdb_single ratio_to_lmdb_batched \
  busy_pct iowait_pct run_write_mb kb_written_per_step; do
  echo "$summary" | grep -Eq " $field=[0-9.]+( |$)" || fail "summary lacks $field"
done
# 4 contracts x 2 printers x 5 steps (data_backup, failure_prediction).
echo "$out" | grep -Eq '^throughput +steps +40$' || fail "expected 40 steps"

# The same on the two-node cluster: its node table has those two nodes.
out=$("$bench" --cluster two --devices 8 --contracts 4 --devices-per-contract 2 \
  --latency-contracts 2 --lmdb-single 20 --lmdb-batched 2 --clients 2 \
  --timeout 60) || fail "onset-bench --cluster two failed: $out"
echo "$out"
echo "$out" | grep -Eq '^throughput +steps +40$' || fail "two nodes: expected 40 steps"
echo "$out" | grep -Eq '^gw +gateway,contracts ' || fail "two nodes: no gateway,contracts node"
echo "$out" | grep -Eq '^d1 +devices,services ' || fail "two nodes: no devices,services node"
echo "$out" | grep -Eq '^c1 ' && fail "two nodes: a c1 node ran"

# Through onset-fleet (about 6 s): the embedded run, then the same run
# delivering over HTTP; every step reaches the server as an instruction.
out=$("$bench" --endpoints fleet --devices 8 --contracts 4 \
  --devices-per-contract 2 --latency-contracts 0 --lmdb-single 20 \
  --lmdb-batched 2 --clients 2 --timeout 60) || fail "onset-bench --endpoints fleet failed: $out"
echo "$out"
echo "$out" | grep -Eq '^fleet +steps +40$' || fail "fleet: expected 40 steps"
summary=$(echo "$out" | grep '^onset_bench_fleet ') || fail "no fleet summary"
for field in steps_per_s in_process_steps_per_s ratio_to_in_process \
  step_p50_ms step_p99_ms last_active_s http_requests_per_s applies reads \
  instructions instructions_per_request fleet_cpu_s nodes_cpu_s \
  fleet_cpu_share fleet_write_mb run_write_mb busy_pct iowait_pct; do
  echo "$summary" | grep -Eq " $field=[0-9.]+( |$)" || fail "fleet summary lacks $field"
done
# At least one per step (a resend after a timeout would add one).
sent=$(echo "$summary" | sed -n 's/.* instructions=\([0-9]*\) .*/\1/p')
[ "${sent:-0}" -ge 40 ] || fail "fleet: fewer than 40 instructions: $summary"

out=$("$bench" --scale 50 --enroll-batch 20 --activate 10 --clients 2) || fail "scale run failed: $out"
echo "$out"
summary=$(echo "$out" | grep '^onset_bench_scale ') || fail "no scale summary"
for field in devices enroll_s enroll_per_s d1_rss_mb d1_rss_anon_mb \
  d1_peak_rss_mb activated activate_s bytes_per_device_actor; do
  echo "$summary" | grep -Eq " $field=[0-9.]+( |$)" || fail "scale summary lacks $field"
done

refused() {
  local expect=$1
  shift
  local err
  if err=$("$bench" "$@" 2>&1); then
    fail "onset-bench $* was accepted"
  fi
  echo "$err" | grep -q -- "$expect" || fail "onset-bench $*: '$err' does not name $expect"
}
refused --devices --devices 0
refused "--contracts x --devices-per-contract" --devices 10 --contracts 6
refused --services --services 9
refused "--cluster: must be five or two" --cluster three
refused "--endpoints: must be embedded or fleet" --endpoints http
refused --frobnicate --frobnicate 1
echo "PASS"
