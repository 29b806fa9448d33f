// A registered printer: who owns it and what it runs when registered.
#pragma once

#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/firmware_version.hpp"
#include "messages/ids.hpp"

namespace onset {
inline namespace messages {

struct device_record {
  device_id id;
  customer_id customer;
  std::string model;
  firmware_version firmware;
  /// Installed applications, sorted, without duplicates.
  std::vector<std::string> apps;
};

inline bool operator==(const device_record& x, const device_record& y) {
  return x.id == y.id && x.customer == y.customer && x.model == y.model
         && x.firmware == y.firmware && x.apps == y.apps;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_record& x) {
  return f(caf::meta::type_name("device_record"), x.id, x.customer, x.model,
           x.firmware, x.apps);
}

} // namespace messages
} // namespace onset
