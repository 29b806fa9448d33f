#include "nodes/api/access.hpp"

#include <array>
#include <utility>

namespace onset::api {

namespace {

constexpr std::array<std::pair<role, const char*>, 4> role_names{{
  {role::admin, "admin"},
  {role::operator_, "operator"},
  {role::billing, "billing"},
  {role::viewer, "viewer"},
}};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
         || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

} // namespace

const char* to_string(role x) {
  for (auto& [r, name] : role_names)
    if (r == x)
      return name;
  return "unknown";
}

std::optional<role> parse_role(std::string_view text) {
  for (auto& [r, name] : role_names)
    if (text == name)
      return r;
  return std::nullopt;
}

const char* to_string(action x) {
  switch (x) {
    case action::read:
      return "read";
    case action::submit:
      return "submit";
    case action::start:
      return "start";
    case action::cancel:
      return "cancel";
    case action::retry:
      return "retry";
    case action::manage_printers:
      return "manage_printers";
    case action::set_online:
      return "set_online";
    case action::manage_tokens:
      return "manage_tokens";
  }
  return "unknown";
}

bool allows(role r, action x) {
  switch (r) {
    case role::admin:
      return true;
    case role::operator_:
      return x != action::manage_tokens;
    case role::billing:
      return x == action::read || x == action::submit || x == action::start
             || x == action::cancel;
    case role::viewer:
      return x == action::read;
  }
  return false;
}

bool principal::sees(std::string_view customer) const {
  return customers.empty() || customers.count(std::string{customer}) > 0;
}

std::optional<std::string> check_token_name(std::string_view name,
                                            const std::string& field) {
  if (name.empty() || name.size() > 64)
    return field + ": a token name has 1 to 64 characters (got "
           + std::to_string(name.size()) + ")";
  for (char c : name)
    if (!is_name_char(c))
      return field + ": a token name is letters, digits, '.', '_' and '-'";
  return std::nullopt;
}

} // namespace onset::api
