// What the contract store keeps of a contract: its latest accepted document,
// its lifecycle state and its ledger of applied state.
#pragma once

#include <map>
#include <string>

#include <caf/meta/type_name.hpp>

#include "messages/applied_ledger.hpp"
#include "messages/contract.hpp"
#include "messages/contract_state.hpp"

namespace onset {
inline namespace messages {

struct contract_record {
  contract doc;
  contract_state state = contract_state::scheduled;
  /// Why the contract is `degraded` (empty otherwise).
  std::string reason;
  /// True once the period has started, by date or by an external event
  /// (claim 2); provisioning never waits for the start date again.
  bool started = false;
  /// True once the end date passed or the contract was cancelled: from then
  /// on the contract only deprovisions, and renewals are refused.
  bool ending = false;
  applied_ledger ledger;
  /// Printers left behind, with why: a step of theirs was refused or missed
  /// its deadline. No step is planned for them until a retry or renewal;
  /// the contract's other printers go on (docs/design.md, "One printer never
  /// blocks the others").
  std::map<device_id, std::string> degraded_devices;
};

inline bool operator==(const contract_record& x, const contract_record& y) {
  return x.doc == y.doc && x.state == y.state && x.reason == y.reason
         && x.started == y.started && x.ending == y.ending
         && x.ledger == y.ledger && x.degraded_devices == y.degraded_devices;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, contract_record& x) {
  return f(caf::meta::type_name("contract_record"), x.doc, x.state, x.reason,
           x.started, x.ending, x.ledger, x.degraded_devices);
}

} // namespace messages
} // namespace onset
