// What a contract knows to be applied on its targets: the registered state of
// each printer, updated by every acknowledged instruction. A renewal sends
// only the difference between the new desired state and this ledger
// (claim 7).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/firmware_version.hpp"
#include "messages/ids.hpp"
#include "messages/setting_value.hpp"

namespace onset {
inline namespace messages {

struct device_ledger {
  /// The printer's firmware: as registered, then as acknowledged.
  firmware_version firmware;
  /// Applications on the printer: as registered, plus those this contract
  /// installed. Sorted, without duplicates.
  std::vector<std::string> apps;
  /// The subset of `apps` this contract installed (and removes again when
  /// it ends). Sorted.
  std::vector<std::string> owned_apps;
  /// Setting values this contract wrote.
  settings values;
};

inline bool operator==(const device_ledger& x, const device_ledger& y) {
  return x.firmware == y.firmware && x.apps == y.apps
         && x.owned_apps == y.owned_apps && x.values == y.values;
}

struct service_ledger {
  settings values;
  /// Prepared: the service knows the printer and holds `values`.
  bool prepared = false;
  bool active = false;
};

inline bool operator==(const service_ledger& x, const service_ledger& y) {
  return x.values == y.values && x.prepared == y.prepared
         && x.active == y.active;
}

struct applied_ledger {
  std::map<device_id, device_ledger> devices;
  std::map<service_id, std::map<device_id, service_ledger>> services;
};

inline bool operator==(const applied_ledger& x, const applied_ledger& y) {
  return x.devices == y.devices && x.services == y.services;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_ledger& x) {
  return f(caf::meta::type_name("device_ledger"), x.firmware, x.apps,
           x.owned_apps, x.values);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, service_ledger& x) {
  return f(caf::meta::type_name("service_ledger"), x.values, x.prepared,
           x.active);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, applied_ledger& x) {
  return f(caf::meta::type_name("applied_ledger"), x.devices, x.services);
}

} // namespace messages
} // namespace onset
