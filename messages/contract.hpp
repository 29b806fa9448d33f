// A usage contract (claims 4 and 5 of the source patent, docs/design.md,
// "The problem"): which of the customer's printers get which smart services,
// from when to when, with the customer's own server-side setting values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/ids.hpp"
#include "messages/setting_value.hpp"
#include "messages/utc_time.hpp"

namespace onset {
inline namespace messages {

/// Per service: the customer's values for the service's server-side
/// settings. Settings not named here take the catalog default.
using service_choices = std::map<service_id, settings>;

struct contract {
  contract_id id;
  /// Starts at 1; a higher version of a known contract is a renewal.
  uint64_t version = 0;
  customer_id customer;
  utc_time start;
  utc_time end;
  /// Distinct, in the order the document lists them.
  std::vector<device_id> devices;
  service_choices services;
  /// Optional id of the event that carried this document, for idempotent
  /// ingestion; empty when the sender gave none.
  std::string event_id;
};

bool operator==(const contract& x, const contract& y);

inline bool operator!=(const contract& x, const contract& y) {
  return !(x == y);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, contract& x) {
  return f(caf::meta::type_name("contract"), x.id, x.version, x.customer,
           x.start, x.end, x.devices, x.services, x.event_id);
}

} // namespace messages
} // namespace onset
