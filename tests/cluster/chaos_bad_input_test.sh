#!/usr/bin/env bash
# onset-chaos refuses bad options with exit 2 and a message naming the
# option, and prints the same schedule for the same seed (and another one
# for another seed) without starting anything. onset-node refuses
# --test-faults unless ONSET_ENABLE_TEST_FAULTS=1, and a bad spec.
# Usage: chaos_bad_input_test.sh ONSET_CHAOS ONSET_NODE
set -euo pipefail
chaos=$1
onset_node=$2
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
refused() { # expected-text args...
  local want=$1 out rc=0
  shift
  out=$("$chaos" "$@" 2>&1) || rc=$?
  [ "$rc" = 2 ] || fail "onset-chaos $* exited $rc, not 2: $out"
  grep -q -- "$want" <<<"$out" || fail "onset-chaos $*: no '$want' in: $out"
  echo "refused: onset-chaos $* -> $(head -n 1 <<<"$out")"
}
version=$("$chaos" --version) || fail "onset-chaos --version failed"
[[ $version =~ ^onset-chaos\ [0-9]+\.[0-9]+\.[0-9]+\ \(wire\ [0-9]+,\ storage\ [0-9]+\)$ ]] \
  || fail "onset-chaos --version printed: $version"
refused "unknown option '--bogus'" --bogus
refused "--contracts: 'ten' is not a whole number" --contracts ten
refused "--contracts: 0 is not in 1..2000" --contracts 0
refused "--kills: '-3' is not a whole number" --kills -3
refused "--seed needs a value" --seed
refused "--faults: 'drop' is not NAME=VALUE" --faults drop
refused "--without: 'kills' is not a list of crash, refuse, restore" --without kills
refused "--endpoints: 'http' is not embedded or fleet" --endpoints http
refused "--fleet-faults: only with --endpoints fleet" --fleet-faults fail=0.1
refused "--fleet-faults: fail: '2' is not a share in 0..1" --endpoints fleet --fleet-faults fail=2
refused "--fleet-faults: 'drop=0.1' is not state_only" --endpoints fleet --fleet-faults drop=0.1
f=$("$chaos" --seed 7 --contracts 20 --endpoints fleet --schedule-only)
grep -q "endpoints=fleet fleet_kills=" <<<"$f" || fail "no fleet figures in the fleet's plan"
grep -Eq "kill fleet [0-9]+$" <<<"$f" || fail "no kill of the fleet in the fleet's plan"
grep -Eq "pause fleet [0-9]+$" <<<"$f" || fail "no pause of the fleet in the fleet's plan"
a=$("$chaos" --seed 7 --contracts 20 --schedule-only)
b=$("$chaos" --seed 7 --contracts 20 --schedule-only)
c=$("$chaos" --seed 8 --contracts 20 --schedule-only)
[ "$a" = "$b" ] || fail "seed 7 printed two different schedules"
[ "$a" != "$c" ] || fail "seeds 7 and 8 printed the same schedule"
grep -q "kill_all" <<<"$a" || fail "no kill of every node in the schedule"
grep -q "kill_recovering" <<<"$a" || fail "no kill of a recovering node"
grep -q "kill2" <<<"$a" || fail "no two kills close together"
grep -Eq "kill [a-z0-9]+ 0$" <<<"$a" || fail "no restart right after a kill"
[ "$(grep -c " pause " <<<"$a")" -ge 10 ] || fail "fewer than 10 pauses"
grep -Eq "renew_crash [0-9]+ c[12] " <<<"$a" || fail "no kill during a renewal"
grep -Eq "cancel_crash [0-9]+ c[12] " <<<"$a" || fail "no kill during a cancel"
grep -Eq "snapshot d[12]$" <<<"$a" || fail "no snapshot of a devices node"
grep -Eq "restore d[12] [0-9]+$" <<<"$a" || fail "no restore of a devices node"
grep -q "fate=refuse left_behind=MFP-" <<<"$a" || fail "no refused printer"
! grep -q "fleet" <<<"$a" || fail "the fleet in a plan without --endpoints fleet"
node_refused() { # expected-text args...
  local want=$1 out rc=0
  shift
  out=$("$onset_node" "$@" --data-dir /nonexistent/onset-chaos-test 2>&1) || rc=$?
  [ "$rc" = 2 ] || fail "onset-node $* exited $rc, not 2: $out"
  grep -q -- "$want" <<<"$out" || fail "onset-node $*: no '$want' in: $out"
  echo "refused: onset-node $* -> $(head -n 1 <<<"$out")"
}
unset ONSET_ENABLE_TEST_FAULTS
node_refused "refused unless ONSET_ENABLE_TEST_FAULTS=1" --test-faults drop=0.1
export ONSET_ENABLE_TEST_FAULTS=1
node_refused "drop: '3' is not a probability" --test-faults drop=3
node_refused "lose: unknown fault" --test-faults lose=0.1
echo "PASS"
