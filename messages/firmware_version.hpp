// Printer firmware versions: dotted numbers compared component by component,
// so that 3.10.0 > 3.9.0.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace onset {
inline namespace messages {

struct firmware_version {
  /// At least one component; missing trailing components count as 0
  /// (3.2 == 3.2.0).
  std::vector<uint32_t> parts;

  /// Accepts `N(.N)*` with decimal components of at most 9 digits.
  static std::optional<firmware_version> parse(std::string_view text);

  std::string to_string() const;
};

int compare(const firmware_version& x, const firmware_version& y);

inline bool operator==(const firmware_version& x, const firmware_version& y) {
  return compare(x, y) == 0;
}
inline bool operator!=(const firmware_version& x, const firmware_version& y) {
  return compare(x, y) != 0;
}
inline bool operator<(const firmware_version& x, const firmware_version& y) {
  return compare(x, y) < 0;
}
inline bool operator<=(const firmware_version& x, const firmware_version& y) {
  return compare(x, y) <= 0;
}
inline bool operator>(const firmware_version& x, const firmware_version& y) {
  return compare(x, y) > 0;
}
inline bool operator>=(const firmware_version& x, const firmware_version& y) {
  return compare(x, y) >= 0;
}

std::ostream& operator<<(std::ostream& out, const firmware_version& x);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, firmware_version& x) {
  return f(caf::meta::type_name("firmware_version"), x.parts);
}

} // namespace messages
} // namespace onset
