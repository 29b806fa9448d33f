// The one registration of Onset's types with an actor system: the wire types
// (messages/type_ids.hpp), the actor handles that cross the wire
// (actors/protocol.hpp) and the rendering of the `onset` error category
// (messages/error_code.hpp). Every process (node, CLI) and every test
// fixture starts from it, so that both sides of a connection agree.
//
// Inline, not in onset_actors: the CLI registers the handles without
// linking the engine.
#pragma once

#include <caf/actor_system_config.hpp>

#include "actors/protocol.hpp"
#include "messages/error_code.hpp"
#include "messages/type_ids.hpp"

namespace onset::actors {

/// Adds every Onset message type, actor handle and error category to `cfg`.
inline void add_onset_types(caf::actor_system_config& cfg) {
  cfg.add_message_types<caf::id_block::onset>();
  cfg.add_message_types<caf::id_block::onset_actors>();
  // The templated add_error_category does not compile in CAF 0.17.6.
  cfg.add_error_category(caf::atom("onset"), render_onset_error);
}

} // namespace onset::actors
