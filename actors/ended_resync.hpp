// Resync of the streams of ended contracts. An `ended` contract has no
// CONTRACT actor, so nothing else would notice a receiver that came back
// behind its acks (a devices node restored from an older copy): the
// removals it lost would stay lost. On a peer back the CONTRACT SUPERVISOR
// starts one of these per ended contract; it sends the last acked
// instruction of each stream once more and, where the receiver answers
// with a lower watermark, the instructions it lost, in order, from the
// outbox. It writes nothing (the contract's ledger already has them). It
// probes again, in rounds with a capped backoff, until one round finds
// every receiver up to its acks (a printer off line, a timeout or the
// peer gone again only delay it), and quits then, or when the contract is
// no longer ended (a renewal's CONTRACT actor takes over its streams).
// A permanent refusal of a lost instruction is logged
// (`stream.resync_refused`) and not retried.
#pragma once

#include <memory>

#include <caf/actor.hpp>
#include <caf/local_actor.hpp>

#include "actors/contract_context.hpp"
#include "messages/ids.hpp"

namespace onset::actors {

/// Spawns the resync of contract `id`'s streams (see above), monitored by
/// `parent`.
caf::actor spawn_ended_resync(caf::local_actor* parent,
                              std::shared_ptr<const contract_context> ctx,
                              const contract_id& id);

} // namespace onset::actors
