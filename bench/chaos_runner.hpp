// One onset-chaos run (docs/chaos.md): starts the five-node cluster, plays
// the plan's moves against it (SIGKILL, SIGSTOP/SIGCONT, restarts) while
// submitting its workload through the gateway, waits until the cluster
// settled as the workload wants, stops it and audits the nodes' stores in
// this process (nodes/cluster_audit.hpp). Prints its progress and the
// summary line on stdout.
#pragma once

#include <string>

#include "bench/chaos_schedule.hpp"

namespace onset::bench {

class chaos_client;

struct chaos_run_options {
  /// --faults, or empty.
  std::string faults;
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
