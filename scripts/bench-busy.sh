#!/usr/bin/env bash
# bench-busy.sh [onset-bench options]: one onset-bench run, then how busy the
# machine's CPUs were while its contracts ran: user+system and iowait as
# shares of all CPU time, from the first node's `timers.fired` log line (the
# start date firing) until the last contract was active (start + the run's
# "last active s"). Read from /proc/stat every 0.1 s, so it counts every
# process on the machine, not only the nodes.
#
#   scripts/bench-busy.sh --latency-contracts 0 --devices 16000 --contracts 8000
#
# Prints one line: `steps_per_s=... busy_pct=... iowait_pct=... over_s=...`.
# Needs a built build/bench/onset-bench (run from the repository's top).
set -euo pipefail

bench=${ONSET_BENCH:-build/bench/onset-bench}
[[ -x $bench ]] || { echo "bench-busy: $bench not built (cmake --build build -t onset-bench)" >&2; exit 2; }
for arg in "$@"; do
  [[ $arg == --dir || $arg == --keep ]] && { echo "bench-busy: --dir and --keep are set by this script" >&2; exit 2; }
done

dir=$(mktemp -d /var/tmp/onset-busy-XXXXXX)
out=$dir/bench.out
trap 'rm -rf "$dir"' EXIT

"$bench" "$@" --dir "$dir/run" --keep >"$out" 2>&1 &
bench_pid=$!

# The throughput run's logs; the idle run before it fires timers too.
until grep -qs timers.fired "$dir"/run/throughput/run/*.log; do
  kill -0 $bench_pid 2>/dev/null || break
  sleep 0.02
done
while kill -0 $bench_pid 2>/dev/null; do
  echo "$(date +%s.%N) $(head -1 /proc/stat)"
  sleep 0.1
done >"$dir/stat"

if ! wait $bench_pid; then
  echo "bench-busy: onset-bench failed:" >&2
  tail -5 "$out" >&2
  exit 1
fi

steps=$(awk '/^throughput  steps\/s/{print $NF}' "$out")
last=$(awk '/^throughput  last active s/{print $NF}' "$out")
# /proc/stat cpu line: user nice system idle iowait irq softirq ...
awk -v steps="$steps" -v last="$last" '
  NR == 1 { t0 = $1; u0 = $3 + $4 + $5 + $8 + $9; i0 = $6; w0 = $7 }
  $1 - t0 <= last { u1 = $3 + $4 + $5 + $8 + $9; i1 = $6; w1 = $7 }
  END {
    all = (u1 - u0) + (i1 - i0) + (w1 - w0)
    if (all <= 0) { print "bench-busy: run too short to sample" > "/dev/stderr"; exit 1 }
    printf "steps_per_s=%s busy_pct=%.0f iowait_pct=%.0f over_s=%s\n",
           steps, 100 * (u1 - u0) / all, 100 * (w1 - w0) / all, last
  }' "$dir/stat"
