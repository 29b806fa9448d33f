// The lifecycle of a contract (docs/design.md, "Contract lifecycle"), as shown
// to operators:
//
//   scheduled -> provisioning -> active -> (renewed) provisioning -> active
//        \            |   ^                     |
//         \           v   | retry               v
//          \       degraded             deprovisioning -> ended
//           `-----------------------------------^ (end date or cancel)
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace onset {
inline namespace messages {

enum class contract_state : uint8_t {
  scheduled,
  provisioning,
  active,
  degraded,
  deprovisioning,
  ended,
};

/// The operator-facing name (`scheduled`, `provisioning`, ...).
const char* to_string(contract_state x);

std::optional<contract_state> parse_contract_state(std::string_view x);

/// `ended` is the only terminal state.
inline bool is_terminal(contract_state x) {
  return x == contract_state::ended;
}

} // namespace messages
} // namespace onset
