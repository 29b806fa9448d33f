// One onset-chaos run (docs/chaos.md): starts the five-node cluster, plays
// the plan's moves against it (SIGKILL, SIGSTOP/SIGCONT, restarts) while
// submitting its workload through the gateway, waits until the cluster
// settled as the workload wants, stops it and audits the nodes' stores in
// this process (nodes/cluster_audit.hpp). With `--endpoints fleet` the
// devices and services nodes deliver to an onset-fleet process, which the
// moves kill and pause too, and whose effect log and state the audit reads
// (bench/chaos_fleet.hpp). Prints its progress and the summary line on
// stdout.
#pragma once

#include <optional>
#include <string>

#include "bench/chaos_fleet.hpp"
#include "bench/chaos_schedule.hpp"

namespace onset::bench {

class chaos_client;

struct chaos_run_options {
  /// --faults, or empty.
  std::string faults;
  /// --endpoints fleet: the onset-fleet process's faults; nullopt: the
  /// nodes' embedded simulator executes the instructions.
  std::optional<fleet_faults> fleet;
  int settle_timeout_s = 180;
  /// Empty: a new temporary directory.
  std::string work_dir;
  bool keep = false;
  /// The command that re-runs this seed, printed when it fails.
  std::string rerun;
};

/// Returns 0 when every invariant holds, 1 when one does not or the run
/// could not complete (the output says which).
int run_chaos(const chaos_plan& plan, const chaos_run_options& options,
              chaos_client& client);

} // namespace onset::bench
