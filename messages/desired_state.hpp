// The state a contract asks for (claims 1, 3 and 5): on each printer, the
// firmware, applications and setting values; on each smart service that has
// server-side settings, the per-printer settings, customer values over the
// catalog defaults. A pure function of contract, catalog and device records.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "messages/catalog.hpp"
#include "messages/contract.hpp"
#include "messages/device_record.hpp"
#include "messages/error_code.hpp"
#include "messages/outcome.hpp"

namespace onset {
inline namespace messages {

struct device_desired {
  /// The highest minimum firmware among the contract's services.
  firmware_version min_firmware;
  /// What the printer should run: its registered firmware if that meets
  /// `min_firmware`, else the highest install version among the services.
  firmware_version firmware;
  /// Union of the services' required applications, sorted.
  std::vector<std::string> apps;
  /// Union of the services' device setting values.
  settings values;
};

struct desired_state {
  std::map<device_id, device_desired> devices;
  /// Only services with server-side settings appear (claim 3).
  std::map<service_id, std::map<device_id, settings>> services;
};

/// Looks up a registered printer; nullptr if unknown.
using device_lookup = std::function<const device_record*(const device_id&)>;

/// A `device_lookup` over `records` (a copy, owned by the lookup).
device_lookup lookup_in(const std::vector<device_record>& records);

/// REQUIRES: every value of `x` is in range for `cat` (validated). Refuses,
/// naming `devices[i]`, a device that is not registered or that belongs to
/// another customer (tenancy), and, naming `services.S`, a service that is
/// not in `cat` (the catalog changed since `x` was accepted).
outcome<desired_state> compute_desired_state(const contract& x,
                                             const catalog& cat,
                                             const device_lookup& lookup);

/// The error code of a `compute_desired_state` refusal of `x`:
/// `unknown_device`, `foreign_device` or `unknown_service`.
error_code refusal_code(const invalid_input& problem, const contract& x,
                        const device_lookup& lookup);

} // namespace messages
} // namespace onset
