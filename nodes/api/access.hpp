// Who may do what through the API (docs/api.md, "Tokens and roles"): every
// request carries a token; the token has a role and, optionally, the
// customers it is limited to. No CAF in this header.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace onset::api {

/// What a token's holder is: the roles of docs/api.md.
enum class role : uint8_t {
  /// Everything, tokens included.
  admin,
  /// Every contract and printer operation, of every customer.
  operator_,
  /// Submit, start, cancel and read: what a billing system does.
  billing,
  /// Read only.
  viewer,
};

/// `admin`, `operator`, `billing`, `viewer`.
const char* to_string(role x);

/// The role named `text`, or nullopt.
std::optional<role> parse_role(std::string_view text);

/// What a request does; each route needs one.
enum class action : uint8_t {
  read,
  submit,
  start,
  cancel,
  retry,
  /// Register, update and decommission printers.
  manage_printers,
  /// Switch a simulated printer on or off line.
  set_online,
  /// Create, list and revoke tokens.
  manage_tokens,
  /// Add, list, remove and test webhook subscriptions (a token limited to
  /// customers: those of its customers).
  manage_webhooks,
};

const char* to_string(action x);

/// Whether `r` may do `x` (for customers its token may see).
bool allows(role r, action x);

/// The holder of a valid token, as the API sees it.
struct principal {
  /// The token's name: what the history records as who made a change.
  std::string name;
  role what = role::viewer;
  /// Empty: every customer; else only these.
  std::set<std::string> customers;

  /// Whether the token may see (and, with its role, change) what belongs
  /// to `customer`.
  bool sees(std::string_view customer) const;
};

/// Refuses, naming `field`, a token name that is not a name of
/// messages/id_rules.hpp (`check_name`): names appear in histories, logs
/// and file names.
std::optional<std::string> check_token_name(std::string_view name,
                                            const std::string& field);

} // namespace onset::api
