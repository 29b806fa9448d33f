// One line of a contract's history: every transition, every instruction's
// send and ack, every refusal, with its time. Append-only.
#pragma once

#include <cstdint>
#include <string>

#include <caf/meta/type_name.hpp>

#include "messages/utc_time.hpp"

namespace onset {
inline namespace messages {

enum class history_kind : uint8_t {
  /// The contract document was accepted (submitted or renewed).
  accepted,
  /// The lifecycle state changed; `detail` is `from->to` and why.
  transition,
  /// An instruction was written to the outbox and sent.
  sent,
  /// An instruction was acknowledged by its target.
  acked,
  /// A target refused an instruction, or a step ran past its deadline.
  problem,
  /// A refused instruction was given up: a `skip` took its place.
  abandoned,
};

const char* to_string(history_kind x);

struct history_entry {
  utc_time at;
  history_kind kind = history_kind::accepted;
  /// One line, `key=value` pairs: `target=device/MFP-1 kind=firmware seq=2`.
  std::string detail;
};

inline bool operator==(const history_entry& x, const history_entry& y) {
  return x.at == y.at && x.kind == y.kind && x.detail == y.detail;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, history_entry& x) {
  return f(caf::meta::type_name("history_entry"), x.at, x.kind, x.detail);
}

} // namespace messages
} // namespace onset
