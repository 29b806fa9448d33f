// Contract dates: whole seconds since the Unix epoch, in UTC, written as
// RFC 3339 timestamps with a `Z` suffix in documents.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include <caf/meta/type_name.hpp>

namespace onset {
inline namespace messages {

struct utc_time {
  int64_t seconds = 0;

  /// Why `parse_rfc3339` refused a text; empty when it did not.
  struct parse_problem {
    std::string reason;
  };

  /// Accepts `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (fractions are dropped) and the
  /// zero offsets `+00:00` / `-00:00`. Any other offset is refused as not UTC.
  /// On failure returns nullopt and, if `problem` is given, fills it.
  static std::optional<utc_time>
  parse_rfc3339(std::string_view text, parse_problem* problem = nullptr);

  /// `YYYY-MM-DDTHH:MM:SSZ`.
  std::string to_rfc3339() const;
};

inline bool operator==(utc_time x, utc_time y) {
  return x.seconds == y.seconds;
}
inline bool operator!=(utc_time x, utc_time y) {
  return x.seconds != y.seconds;
}
inline bool operator<(utc_time x, utc_time y) {
  return x.seconds < y.seconds;
}
inline bool operator<=(utc_time x, utc_time y) {
  return x.seconds <= y.seconds;
}
inline bool operator>(utc_time x, utc_time y) {
  return x.seconds > y.seconds;
}
inline bool operator>=(utc_time x, utc_time y) {
  return x.seconds >= y.seconds;
}

std::ostream& operator<<(std::ostream& out, utc_time x);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, utc_time& x) {
  return f(caf::meta::type_name("utc_time"), x.seconds);
}

} // namespace messages
} // namespace onset
