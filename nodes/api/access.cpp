#include "nodes/api/access.hpp"

#include <array>
#include <utility>

#include "messages/id_rules.hpp"

namespace onset::api {

namespace {

constexpr std::array<std::pair<role, const char*>, 4> role_names{{
  {role::admin, "admin"},
  {role::operator_, "operator"},
  {role::billing, "billing"},
  {role::viewer, "viewer"},
}};

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
    case action::manage_webhooks:
      return "manage_webhooks";
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
             || x == action::cancel || x == action::manage_webhooks;
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
  if (auto bad = check_name(name, field))
    return bad->to_string();
  return std::nullopt;
}

} // namespace onset::api
