// Who asked for a change of a contract: the name of the API token whose
// request it was. Every history line stating what the change did (the
// document accepted, the start event, a state transition) ends in
// `by=NAME`, so that an audit of a contract names who submitted, started,
// cancelled or retried it. Empty for changes Onset makes by itself (due
// dates, acks) and for callers inside the cluster that hold no token.
#pragma once

#include <string>

#include <caf/meta/type_name.hpp>

namespace onset {
inline namespace messages {

struct requester {
  std::string name;
};

inline bool operator==(const requester& x, const requester& y) {
  return x.name == y.name;
}

/// ` by=NAME`, or nothing for Onset itself: the end of a history line.
inline std::string history_suffix(const requester& x) {
  return x.name.empty() ? std::string{} : " by=" + x.name;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, requester& x) {
  return f(caf::meta::type_name("requester"), x.name);
}

} // namespace messages
} // namespace onset
