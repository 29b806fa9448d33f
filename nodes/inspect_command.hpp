// `onset-node inspect`: reads stopped nodes' data directories and reports,
// from their own stores, how often each instruction's effect was applied,
// whether every acked instruction reached its receiver and, on request,
// whether the cluster settled where its contracts say (nodes/cluster_audit).
// The evidence behind "exactly once, in order, no gaps".
#pragma once

#include <string>
#include <vector>

namespace onset::nodes {

struct inspect_options {
  /// One node's directory, or every node's of a cluster.
  std::vector<std::string> data_dirs{"onset-data"};
  std::string catalog_file;
  /// Also check contract states, pending steps and applied state against
  /// the desired state (needs every node's directory).
  bool expect_settled = false;
  bool json = false;
  /// Also list every stream (and, with expect_settled, every contract).
  bool verbose = false;
};

/// Exit code: 0 when every effect was applied once, every stream's applied
/// seqs are 1..watermark, every acked seq was applied (and, with
/// expect_settled, everything settled as wanted); 1 when not (the report says
/// where); 2 when a data directory or the catalog cannot be read.
int run_inspect(const inspect_options& options);

} // namespace onset::nodes
