// The smart-service catalog (claim 3): for each service, its server-side
// settings with their types, ranges and defaults, and what it needs on the
// printer. Loaded from `config/catalog.json` (see config/catalog_loader.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "messages/firmware_version.hpp"
#include "messages/ids.hpp"
#include "messages/outcome.hpp"
#include "messages/setting_value.hpp"

namespace onset {
inline namespace messages {

/// The type and allowed values of one server-side setting.
struct setting_spec {
  std::string name;
  value_kind kind = value_kind::flag;
  /// For `number`: the inclusive range.
  int64_t min = 0;
  int64_t max = 0;
  /// For `word` and `words`: the allowed words, in catalog order.
  std::vector<std::string> allowed;
  setting_value default_value;

  /// Checks `x` against type and range; the problem's field is left empty
  /// for the caller to fill in.
  std::optional<invalid_input> check(const setting_value& x) const;
};

/// What a service needs on the printer.
struct device_requirements {
  /// The printer must run at least this firmware ...
  firmware_version min_firmware;
  /// ... and is upgraded to this one when it does not.
  firmware_version install_firmware;
  /// Applications that must be installed, sorted.
  std::vector<std::string> apps;
  /// Setting values written on the printer.
  settings values;
};

struct service_spec {
  service_id id;
  std::string description;
  /// Empty for a device-only service: such a service gets no service
  /// distribution instruction (claim 3).
  std::vector<setting_spec> server_settings;
  device_requirements device;

  bool has_server_settings() const noexcept {
    return !server_settings.empty();
  }

  const setting_spec* find_setting(const std::string& name) const;

  /// The catalog defaults, overridden by `choices`.
  settings merged_server_settings(const settings& choices) const;
};

struct catalog {
  std::map<service_id, service_spec> services;

  const service_spec* find(const service_id& id) const;

  /// The known service ids joined with `|`, for error messages.
  std::string service_names() const;
};

} // namespace messages
} // namespace onset
