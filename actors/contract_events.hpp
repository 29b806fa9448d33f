// The contract events of messages/contract_event.hpp as the contract side
// makes them: each goes into the contract_change of the change it reports.
#pragma once

#include <string>
#include <vector>

#include "actors/contract_change.hpp"
#include "messages/contract_record.hpp"
#include "messages/contract_state.hpp"

namespace onset::actors::contract_events {

/// An event of `type` about `rec` (its id, version and customer) at `at`,
/// made by `change.by`, with a new random id; added to `change`.
contract_event& announce(contract_change& change, const contract_record& rec,
                         std::string type, utc_time at);

/// `contract.<to>` for the state `rec` left (`from`) for `to`, for `why`.
void announce_state(contract_change& change, const contract_record& rec,
                    contract_state from, contract_state to,
                    const std::string& why, utc_time at);

/// 32 random hex digits.
std::string new_event_id();

} // namespace onset::actors::contract_events
