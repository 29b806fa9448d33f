// The small mutable part of a contract record: its lifecycle state and flags.
// The contract store keeps it in a record of its own, so that an ack that
// changes the state does not rewrite the contract document.
#pragma once

#include <map>
#include <string>

#include <caf/meta/type_name.hpp>

#include "messages/contract_record.hpp"
#include "messages/contract_state.hpp"

namespace onset {
inline namespace messages {

struct contract_status {
  contract_state state = contract_state::scheduled;
  /// Why the contract is `degraded` (empty otherwise).
  std::string reason;
  /// See contract_record::started and contract_record::ending.
  bool started = false;
  bool ending = false;
  /// See contract_record::degraded_devices.
  std::map<device_id, std::string> degraded_devices;
};

inline bool operator==(const contract_status& x, const contract_status& y) {
  return x.state == y.state && x.reason == y.reason && x.started == y.started
         && x.ending == y.ending && x.degraded_devices == y.degraded_devices;
}

inline bool operator!=(const contract_status& x, const contract_status& y) {
  return !(x == y);
}

inline contract_status status_of(const contract_record& x) {
  return {x.state, x.reason, x.started, x.ending, x.degraded_devices};
}

inline void set_status(contract_record& x, contract_status s) {
  x.state = s.state;
  x.reason = std::move(s.reason);
  x.started = s.started;
  x.ending = s.ending;
  x.degraded_devices = std::move(s.degraded_devices);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, contract_status& x) {
  return f(caf::meta::type_name("contract_status"), x.state, x.reason,
           x.started, x.ending, x.degraded_devices);
}

} // namespace messages
} // namespace onset
