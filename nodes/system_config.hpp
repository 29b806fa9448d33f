// The CAF configuration every Onset process starts from (node and CLI
// alike), so that both sides of a connection agree: the middleman and
// Onset's types and error category (`add_onset_types`,
// actors/onset_types.hpp).
#pragma once

#include <caf/actor_system_config.hpp>

namespace onset::nodes {

class system_config : public caf::actor_system_config {
public:
  system_config();
};

} // namespace onset::nodes
