// The CAF configuration every Onset process starts from (node and CLI
// alike), so that both sides of a connection agree: the middleman, every
// wire type of messages/type_ids.hpp and the actor handles of
// actors/protocol.hpp, and the rendering of Onset's errors.
#pragma once

#include <caf/actor_system_config.hpp>

namespace onset {

class system_config : public caf::actor_system_config {
public:
  system_config();
};

} // namespace onset
