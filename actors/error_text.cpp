#include "actors/error_text.hpp"

#include <caf/exit_reason.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

#include "messages/error_code.hpp"

namespace onset {

std::string error_name(const caf::error& x) {
  if (!x)
    return "none";
  if (x.category() == caf::atom("onset"))
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

} // namespace onset
