#include "messages/error_code.hpp"

#include <utility>

#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>

namespace onset {
inline namespace messages {

bool is_onset_error(const caf::error& err) {
  // CAF's category() reads the error's data, which "no error" lacks.
  return err && err.category() == caf::atom("onset");
}

bool is(const caf::error& err, error_code code) {
  return is_onset_error(err) && err.code() == static_cast<uint8_t>(code);
}

bool is_permanent_refusal(const caf::error& err) {
  return is(err, error_code::refused) || is(err, error_code::unknown_device)
         || is(err, error_code::unknown_service);
}

caf::error refusal(error_code code, std::string text) {
  return caf::make_error(code, std::move(text));
}

std::string error_name(const caf::error& x) {
  if (!x)
    return "none";
  if (is_onset_error(x))
    return to_string(static_cast<error_code>(x.code()));
  if (x.category() == caf::atom("system"))
    return to_string(static_cast<caf::sec>(x.code()));
  if (x.category() == caf::atom("exit"))
    return to_string(static_cast<caf::exit_reason>(x.code()));
  return caf::to_string(x);
}

std::string error_reason(const caf::error& x) {
  auto& ctx = x.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return {};
}

std::string error_detail(const caf::error& x) {
  auto reason = error_reason(x);
  return reason.empty() ? error_name(x) : error_name(x) + ": " + reason;
}

std::string render_onset_error(uint8_t code, caf::atom_value,
                               const caf::message& context) {
  auto text = to_string(static_cast<error_code>(code));
  if (context.match_elements<std::string>())
    text += ": " + context.get_as<std::string>(0);
  else if (!context.empty())
    text += ": " + to_string(context);
  return text;
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
    case error_code::conflict:
      return "conflict";
    case error_code::partial:
      return "partial";
  }
  return "unknown";
}

} // namespace messages
} // namespace onset
