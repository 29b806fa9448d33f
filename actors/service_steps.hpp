// What a smart service does with each step for one printer (the rules of
// actors/service_actor.hpp), as a pure function.
#pragma once

#include <string>
#include <variant>

#include "messages/catalog.hpp"
#include "messages/device_state.hpp"
#include "messages/instruction.hpp"

namespace onset::actors {

/// The printer's state at the service after step `x`, or the reason the
/// service refuses it (naming the setting, the printer or the step).
std::variant<service_device_state, std::string>
apply_service_step(const service_spec& spec,
                   const service_device_state& current, const instruction& x);

} // namespace onset::actors
