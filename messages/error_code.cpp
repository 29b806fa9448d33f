#include "messages/error_code.hpp"

namespace onset {

std::string to_string(error_code x) {
  switch (x) {
    case error_code::none:
      return "none";
    case error_code::invalid_input:
      return "invalid_input";
    case error_code::stale_version:
      return "stale_version";
    case error_code::unknown_contract:
      return "unknown_contract";
    case error_code::unknown_device:
      return "unknown_device";
    case error_code::unknown_service:
      return "unknown_service";
    case error_code::foreign_device:
      return "foreign_device";
    case error_code::corrupt_record:
      return "corrupt_record";
    case error_code::format_mismatch:
      return "format_mismatch";
    case error_code::storage_failure:
      return "storage_failure";
    case error_code::refused:
      return "refused";
    case error_code::offline:
      return "offline";
    case error_code::transient:
      return "transient";
    case error_code::wrong_state:
      return "wrong_state";
    case error_code::unreachable:
      return "unreachable";
  }
  return "unknown";
}

} // namespace onset
