// Resync of the streams of ended contracts. An `ended` contract has no
// CONTRACT actor, so nothing else would notice a receiver that came back
// behind its acks (a devices node restored from an older copy): the
// removals it lost would stay lost. On a peer back the CONTRACT SUPERVISOR
// starts one of these per ended contract; it sends the last acked
// instruction of each stream once more and, where the receiver answers
// with a lower watermark, the instructions it lost, in order, from the
// outbox. It writes nothing (the contract's ledger already has them) and
// quits once every answer is in or timed out.
#pragma once

#include <memory>

#include <caf/actor_system.hpp>

#include "actors/contract_context.hpp"
#include "messages/ids.hpp"

namespace onset::actors {

/// Spawns the resync of contract `id`'s streams (see above).
void spawn_ended_resync(caf::actor_system& sys,
                        std::shared_ptr<const contract_context> ctx,
                        const contract_id& id);

} // namespace onset::actors
