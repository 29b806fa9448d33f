// What operators and tests read back from the actors: printers, services and
// contracts with their progress. Wire types (listed in type_ids.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/contract.hpp"
#include "messages/contract_state.hpp"
#include "messages/device_state.hpp"
#include "messages/instruction.hpp"

namespace onset {
inline namespace messages {

/// A stream's watermark: on the receiving side, the last applied seq.
struct stream_watermark {
  stream_id stream;
  uint64_t seq = 0;
};

inline bool operator==(const stream_watermark& x, const stream_watermark& y) {
  return x.stream == y.stream && x.seq == y.seq;
}

/// `onset device show`: the printer's state and its applied watermarks.
struct device_view {
  device_state state;
  std::vector<stream_watermark> applied;
};

inline bool operator==(const device_view& x, const device_view& y) {
  return x.state == y.state && x.applied == y.applied;
}

/// `onset service show`: one printer's state at one smart service.
struct service_view {
  service_id service;
  device_id device;
  service_device_state state;
  std::vector<stream_watermark> applied;
};

inline bool operator==(const service_view& x, const service_view& y) {
  return x.service == y.service && x.device == y.device && x.state == y.state
         && x.applied == y.applied;
}

/// One line of `onset status`.
struct contract_summary {
  contract_id id;
  uint64_t version = 0;
  customer_id customer;
  contract_state state = contract_state::scheduled;
  /// Why the contract is degraded; empty otherwise.
  std::string reason;
  uint64_t steps_acked = 0;
  uint64_t steps_total = 0;
};

inline bool operator==(const contract_summary& x, const contract_summary& y) {
  return x.id == y.id && x.version == y.version && x.customer == y.customer
         && x.state == y.state && x.reason == y.reason
         && x.steps_acked == y.steps_acked && x.steps_total == y.steps_total;
}

/// One instruction of a contract as `onset status ID` shows it.
struct step_view {
  instruction step;
  bool acked = false;
};

inline bool operator==(const step_view& x, const step_view& y) {
  return x.step == y.step && x.acked == y.acked;
}

/// One printer's progress in a contract, as `onset status ID` shows it.
struct device_progress {
  device_id device;
  uint64_t steps_acked = 0;
  /// Acked, pending and still to plan.
  uint64_t steps_total = 0;
  /// Why the printer is left behind (contract_record::degraded_devices);
  /// empty otherwise.
  std::string degraded;
};

inline bool operator==(const device_progress& x, const device_progress& y) {
  return x.device == y.device && x.steps_acked == y.steps_acked
         && x.steps_total == y.steps_total && x.degraded == y.degraded;
}

/// `onset status ID`.
struct contract_view {
  contract_summary summary;
  contract doc;
  std::vector<step_view> steps;
  /// Every printer the contract plans for, in id order.
  std::vector<device_progress> devices;
};

inline bool operator==(const contract_view& x, const contract_view& y) {
  return x.summary == y.summary && x.doc == y.doc && x.steps == y.steps
         && x.devices == y.devices;
}

/// The answer to a submitted contract document.
struct submit_result {
  contract_id id;
  uint64_t version = 0;
  /// A higher version of a known contract.
  bool renewal = false;
  /// The event id was ingested before: nothing changed.
  bool duplicate = false;
};

inline bool operator==(const submit_result& x, const submit_result& y) {
  return x.id == y.id && x.version == y.version && x.renewal == y.renewal
         && x.duplicate == y.duplicate;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_watermark& x) {
  return f(caf::meta::type_name("stream_watermark"), x.stream, x.seq);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_view& x) {
  return f(caf::meta::type_name("device_view"), x.state, x.applied);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, service_view& x) {
  return f(caf::meta::type_name("service_view"), x.service, x.device, x.state,
           x.applied);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, contract_summary& x) {
  return f(caf::meta::type_name("contract_summary"), x.id, x.version,
           x.customer, x.state, x.reason, x.steps_acked, x.steps_total);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, step_view& x) {
  return f(caf::meta::type_name("step_view"), x.step, x.acked);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_progress& x) {
  return f(caf::meta::type_name("device_progress"), x.device, x.steps_acked,
           x.steps_total, x.degraded);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, contract_view& x) {
  return f(caf::meta::type_name("contract_view"), x.summary, x.doc, x.steps,
           x.devices);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, submit_result& x) {
  return f(caf::meta::type_name("submit_result"), x.id, x.version, x.renewal,
           x.duplicate);
}

} // namespace messages
} // namespace onset
