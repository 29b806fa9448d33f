// The GATEWAY's side of a change of a printer's record (model, customer)
// and of its decommissioning: the protocol of actors/device_changes.hpp,
// hold, ask every contracts node, change or release.
#pragma once

#include <optional>

#include <caf/result.hpp>

#include "actors/gateway.hpp"

namespace onset::actors::gateway_changes {

using gateway_self = gateway_actor::stateful_pointer<gateway_state>;

/// Changes printer `before.id` from `before` to `after`, or decommissions
/// it (`after` empty), as actors/protocol.hpp's gateway `update` and
/// `remove` say.
caf::result<atom::ok> change_printer(gateway_self self, device_record before,
                                     std::optional<device_record> after,
                                     const requester& by);

} // namespace onset::actors::gateway_changes
