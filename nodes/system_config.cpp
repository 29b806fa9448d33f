#include "nodes/system_config.hpp"

#include <chrono>

#include <caf/io/middleman.hpp>

#include "actors/error_text.hpp"
#include "actors/protocol.hpp"
#include "messages/error_code.hpp"
#include "messages/type_ids.hpp"

namespace onset {

system_config::system_config() {
  load<caf::io::middleman>();
  // A cluster node drops every connection that stays silent longer than its
  // heartbeat timeout (at least 1 s, docs/cluster.md), clients included: a
  // CLI waiting for a long answer would lose it. Cluster nodes override this
  // with the cluster file's interval.
  set("middleman.heartbeat-interval",
      caf::timespan{std::chrono::milliseconds{250}});
  add_message_types<caf::id_block::onset>();
  add_message_types<caf::id_block::onset_actors>();
  // The templated add_error_category does not compile in CAF 0.17.6.
  add_error_category(caf::atom("onset"), [](uint8_t code, caf::atom_value,
                                            const caf::message& context) {
    auto text = to_string(static_cast<error_code>(code));
    if (context.match_elements<std::string>())
      text += ": " + context.get_as<std::string>(0);
    else if (!context.empty())
      text += ": " + to_string(context);
    return text;
  });
}

} // namespace onset
