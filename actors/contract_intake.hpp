// How the CONTRACT SUPERVISOR takes a submitted contract: validation again
// (wire input is not trusted), deduplication by event id, tenancy against
// the registered printers, then a durable write of a new contract (and its
// CONTRACT actor) or the renewal handed to the contract's running actor.
#pragma once

#include <caf/expected.hpp>
#include <caf/make_message.hpp>
#include <caf/result.hpp>

#include "actors/contract_supervisor.hpp"

namespace onset::actors::supervisor_ops {

/// The CONTRACT SUPERVISOR as its parts see it.
using supervisor_self
  = contract_supervisor_actor::stateful_pointer<contract_supervisor_state>;

/// The CONTRACT actor of `id`, spawned unless it runs already.
contract_actor spawn_contract(supervisor_self self, const contract_id& id);

/// The running CONTRACT actor of `id`, spawned from the store if needed;
/// an error if the store has no such contract or it has ended.
caf::expected<contract_actor> find_contract(supervisor_self self,
                                            const contract_id& id);

/// Answers a submission once a new contract is written or its renewal
/// accepted by the contract's actor; a duplicate event id answers at once.
/// `by` is recorded in the history line of the acceptance.
caf::result<submit_result> submit(supervisor_self self, contract doc,
                                  requester by);

} // namespace onset::actors::supervisor_ops
