#include "messages/contract_state.hpp"

namespace onset {
inline namespace messages {

const char* to_string(contract_state x) {
  switch (x) {
    case contract_state::scheduled:
      return "scheduled";
    case contract_state::provisioning:
      return "provisioning";
    case contract_state::active:
      return "active";
    case contract_state::degraded:
      return "degraded";
    case contract_state::deprovisioning:
      return "deprovisioning";
    case contract_state::ended:
      return "ended";
  }
  return "unknown";
}

std::optional<contract_state> parse_contract_state(std::string_view x) {
  for (auto s : {contract_state::scheduled, contract_state::provisioning,
                 contract_state::active, contract_state::degraded,
                 contract_state::deprovisioning, contract_state::ended})
    if (x == to_string(s))
      return s;
  return std::nullopt;
}

} // namespace messages
} // namespace onset
