// What changed of one contract's record between two of its versions in
// memory, in the parts the contract store keeps apart (format 2,
// persistence/contract_store.hpp): the document, the status, and one ledger
// entry per printer and per (service, printer). An ack typically changes
// the status or one ledger entry; writing only that keeps its write small.
#pragma once

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "messages/applied_ledger.hpp"
#include "messages/contract.hpp"
#include "messages/contract_record.hpp"
#include "messages/contract_status.hpp"
#include "messages/ids.hpp"

namespace onset::persistence {

/// One (service, printer) ledger entry that changed; nullopt: it went away.
struct service_ledger_change {
  service_id service;
  device_id device;
  std::optional<service_ledger> ledger;
};

struct contract_delta {
  /// The new document, if it changed (submit, renewal).
  std::optional<contract> doc;
  /// The new status, if it changed.
  std::optional<contract_status> status;
  /// Printer ledgers that changed (a value) or went away (nullopt), in
  /// printer order.
  std::vector<std::pair<device_id, std::optional<device_ledger>>> devices;
  /// Service ledgers that changed, in (service, printer) order.
  std::vector<service_ledger_change> services;

  bool empty() const {
    return !doc && !status && devices.empty() && services.empty();
  }

  /// The records this delta writes or deletes.
  size_t records() const {
    return (doc ? 1 : 0) + (status ? 1 : 0) + devices.size() + services.size();
  }
};

/// What turns `before` into `after`. O(printers and services) comparisons,
/// no encoding.
contract_delta diff(const contract_record& before,
                    const contract_record& after);

/// Makes `x` what `d` was computed towards: apply(diff(a, b), a) == b.
void apply(const contract_delta& d, contract_record& x);

} // namespace onset::persistence
