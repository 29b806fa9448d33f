#include "messages/error_code.hpp"

#include <utility>

namespace onset {

bool is_onset_error(const caf::error& err) {
  return err.category() == caf::atom("onset");
}

bool is(const caf::error& err, error_code code) {
  return is_onset_error(err) && err.code() == static_cast<uint8_t>(code);
}

caf::error refusal(error_code code, std::string text) {
  return caf::make_error(code, std::move(text));
}

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
