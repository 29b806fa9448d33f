// A contract date that must fire even across restarts: the start of the
// period (claim 1) or its end.
#pragma once

#include <cstdint>

#include <caf/meta/type_name.hpp>

#include "messages/ids.hpp"
#include "messages/utc_time.hpp"

namespace onset {
inline namespace messages {

enum class timer_kind : uint8_t { start, end };

struct due_timer {
  utc_time at;
  contract_id contract;
  timer_kind kind = timer_kind::start;
};

inline bool operator==(const due_timer& x, const due_timer& y) {
  return x.at == y.at && x.contract == y.contract && x.kind == y.kind;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, due_timer& x) {
  return f(caf::meta::type_name("due_timer"), x.at, x.contract, x.kind);
}

} // namespace messages
} // namespace onset
