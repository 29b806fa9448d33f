// BATCH COLLECTOR: applies one STEP BATCH (actors/protocol.hpp) and streams
// its answers back. A supervisor (or a ROUTER) that receives a batch spawns
// one; the collector asks the receiver for each step as a single `apply`,
// in the batch's order, so a batched step meets exactly the delivery
// contract of a single one (the same routing, dedup, gap answers and holds).
//
// Answers that arrive together leave together: the collector sends what it
// has when its mailbox runs dry (a message to itself marks the end), so a
// batch of n steps costs the wire a few messages instead of n, and a step
// held back (an offline printer) holds back no other.
//
// The collector's requests (to a receiver on its own node, never a remote
// one) carry no timeout of their own: it lives at most
// `patience` (one timer per batch, not one per step), then stops, and any
// later answer is dropped. Its sender expires unanswered steps after the
// same time (nodes/cluster/step_batcher.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/protocol.hpp"

namespace onset::actors {

/// Spawns the collector of one batch: `steps[i]` goes to `receiver` as
/// `(apply, steps[i])` and its answer to `sink` with token
/// `first_token + i`. `receiver` must answer `apply` as a DEVICE does and
/// be on this node (the spawning supervisor or ROUTER itself); a remote one
/// gets nothing, and every step is answered `invalid_input`.
void collect_batch(caf::actor_system& sys, caf::actor receiver,
                   std::vector<instruction> steps, uint64_t first_token,
                   step_sink_actor sink, std::chrono::nanoseconds patience);

} // namespace onset::actors
