#include "nodes/system_config.hpp"

#include <caf/io/middleman.hpp>

#include "actors/error_text.hpp"
#include "messages/error_code.hpp"
#include "messages/type_ids.hpp"

namespace onset {

system_config::system_config() {
  load<caf::io::middleman>();
  add_message_types<caf::id_block::onset>();
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
