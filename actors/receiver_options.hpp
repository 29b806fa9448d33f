// The tunables of the receiving side (DEVICE and SERVICE actors and their
// supervisors), each with its default. Nodes fill them from their
// configuration; tests shorten the times.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "actors/execution_log.hpp"

namespace onset::actors {

class endpoint_set;

struct receiver_options {
  using duration = std::chrono::nanoseconds;

  /// A DEVICE or SERVICE actor that stops abnormally is respawned at once,
  /// at most `restart_limit` times within `restart_window`; past that it
  /// stays down until the next message for it spawns it again.
  size_t restart_limit = 3;
  duration restart_window = std::chrono::seconds{10};

  /// SERVICE actors per catalog service (`onset-node --service-lanes`). The
  /// streams of a service are spread over them by contract: each stream
  /// stays with one actor (its steps apply in order), and the steps of
  /// streams on different lanes commit in the same STORE round instead of
  /// one commit each. A lane applies one step at a time and waits for its
  /// STORE round, so a round holds at most one step per lane and the
  /// streams sharing a lane wait for each other: with 64 lanes, 8000
  /// contracts' service steps queued 125 contracts to a lane and the
  /// STORE's rounds stayed small (docs/bench.md, "What the figures decided":
  /// 4096 lanes ran 2.1-2.4x the steps/s). Lanes are spawned on first use.
  size_t service_lanes = 4096;

  /// How long the collector of a STEP BATCH waits for its steps' answers
  /// (actors/batch_collector.hpp). Nodes set it to their request timeout:
  /// by then the batch's sender has expired the steps still unanswered.
  duration batch_patience = std::chrono::seconds{5};

  /// How long a hold for a change of a printer's record lasts at most
  /// (`atom::hold`, actors/protocol.hpp): a caller that died between hold
  /// and change leaves the printer free again after this.
  duration change_hold = std::chrono::seconds{30};

  /// Where DEVICE and SERVICE actors deliver (`onset-node --endpoints`);
  /// none: the embedded simulator (simulated printers, SERVICE state in the
  /// node's store).
  std::shared_ptr<endpoint_set> endpoints;

  /// Counts every execution of an instruction by a target (tests only;
  /// none in a node).
  std::shared_ptr<execution_log> executions;
};

} // namespace onset::actors
