// Changes of a registered printer's record and its decommissioning, as the
// DEVICE SUPERVISOR does them (the `hold`, `release`, `update` and `remove`
// messages of actors/protocol.hpp).
//
// A change must never meet a contract that planned against the old record.
// The GATEWAY therefore holds the printer first: from then on `records`
// refuses it, so no submission can read it; then it asks every contracts
// node which contracts hold the printer (a submission that read the record
// before the hold is either written by then or still in flight, and an
// in-flight one makes the contracts node refuse); only when none does is
// the change written, under the hold's token. A hold that is never used
// lapses after `receiver_options::change_hold`.
#pragma once

#include <cstdint>

#include <caf/result.hpp>

#include "actors/device_supervisor.hpp"

namespace onset::actors::device_changes {

using supervisor_self
  = device_supervisor_actor::stateful_pointer<device_supervisor_state>;

/// The refusal of `records` for a held printer among `ids`, if any.
caf::error refuse_held(supervisor_self self, const std::vector<device_id>& ids);

caf::result<device_record> hold(supervisor_self self, const device_id& id,
                                uint64_t token);

void release(supervisor_self self, const device_id& id, uint64_t token);

caf::result<atom::ok> update(supervisor_self self, const device_id& id,
                             uint64_t token, device_record after);

caf::result<atom::ok> decommission(supervisor_self self, const device_id& id,
                                   uint64_t token);

} // namespace onset::actors::device_changes
