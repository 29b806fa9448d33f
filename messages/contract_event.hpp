// A change of a contract that the world is told about (docs/events.md): it
// was accepted or renewed, its state changed, one of its printers was left
// behind or resumed, a step was given up. Written in the same transaction
// as the change it reports (persistence/feed_store.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/ids.hpp"
#include "messages/utc_time.hpp"

namespace onset {
inline namespace messages {

struct contract_event {
  /// Unique across nodes and restarts: 32 hex digits, random.
  std::string id;
  /// Its place in its contracts node's feed, from 1 (set when read; not
  /// stored in the record, which the key orders).
  uint64_t position = 0;
  utc_time at;
  /// `contract.accepted`, `contract.renewed`, `contract.<state>` for a state
  /// entered (`contract.active`, `contract.degraded`, ...),
  /// `printer.degraded`, `printer.recovered`, `step.abandoned`.
  std::string type;
  contract_id contract;
  uint64_t version = 0;
  customer_id customer;
  /// The states left and entered; both empty when the state stays.
  std::string from;
  std::string to;
  std::string reason;
  /// The printers concerned (a printer left behind or resumed, the printer
  /// of an abandoned step), sorted.
  std::vector<device_id> devices;
  /// Who asked for the change (a token's name), if anyone did.
  std::string by;
};

inline bool operator==(const contract_event& x, const contract_event& y) {
  return x.id == y.id && x.position == y.position && x.at == y.at
         && x.type == y.type && x.contract == y.contract
         && x.version == y.version && x.customer == y.customer
         && x.from == y.from && x.to == y.to && x.reason == y.reason
         && x.devices == y.devices && x.by == y.by;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, contract_event& x) {
  return f(caf::meta::type_name("contract_event"), x.id, x.position, x.at,
           x.type, x.contract, x.version, x.customer, x.from, x.to, x.reason,
           x.devices, x.by);
}

/// One page of a contracts node's feed. As a cursor (what a reader sends),
/// only `node` and `next` count: read on after position `next`.
struct event_page {
  /// The contracts node (a ROUTER sets it; empty for a node's own).
  std::string node;
  std::vector<contract_event> events;
  /// The position to read on after: the last event's, else where the read
  /// began.
  uint64_t next = 0;
  /// The last position the node has written.
  uint64_t end = 0;
};

inline bool operator==(const event_page& x, const event_page& y) {
  return x.node == y.node && x.events == y.events && x.next == y.next
         && x.end == y.end;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event_page& x) {
  return f(caf::meta::type_name("event_page"), x.node, x.events, x.next, x.end);
}

} // namespace messages
} // namespace onset
