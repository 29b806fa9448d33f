// What a node's metrics read from its storage at each scrape
// (docs/operations.md, "Metrics"): the LMDB map's size and use, and on a
// node with the contracts role its contracts by state and the printers
// left behind in them. No CAF.
#pragma once

#include "messages/metrics/metrics.hpp"
#include "persistence/environment.hpp"

namespace onset::nodes {

/// Adds the sources of `env`'s figures to `m`. `contracts`: the node holds
/// the contracts role (its contract store is counted). REQUIRES: `env`
/// outlives the sources (`m.clear_sources()` before it closes).
void measure_storage(metrics::node_metrics& m, persistence::environment& env,
                     bool contracts);

} // namespace onset::nodes
