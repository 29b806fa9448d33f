// A printer as the setting distribution side holds it: its registration and
// what is applied on it now.
#pragma once

#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/device_record.hpp"
#include "messages/setting_value.hpp"

namespace onset {
inline namespace messages {

struct device_state {
  device_record registration;
  firmware_version firmware;
  /// Installed applications, sorted.
  std::vector<std::string> apps;
  settings values;
  /// A simulated printer's reachability switch (`onset device set-online`).
  bool online = true;
};

inline bool operator==(const device_state& x, const device_state& y) {
  return x.registration == y.registration && x.firmware == y.firmware
         && x.apps == y.apps && x.values == y.values && x.online == y.online;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_state& x) {
  return f(caf::meta::type_name("device_state"), x.registration, x.firmware,
           x.apps, x.values, x.online);
}

/// What a smart service holds for one printer.
struct service_device_state {
  settings values;
  bool registered = false;
  bool active = false;
};

inline bool operator==(const service_device_state& x,
                       const service_device_state& y) {
  return x.values == y.values && x.registered == y.registered
         && x.active == y.active;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, service_device_state& x) {
  return f(caf::meta::type_name("service_device_state"), x.values, x.registered,
           x.active);
}

} // namespace messages
} // namespace onset
