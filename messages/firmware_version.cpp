#include "messages/firmware_version.hpp"

#include <algorithm>

namespace onset {
inline namespace messages {

std::optional<firmware_version> firmware_version::parse(std::string_view text) {
  firmware_version result;
  size_t pos = 0;
  for (;;) {
    size_t digits = 0;
    uint32_t value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++digits > 9)
        return std::nullopt;
      value = value * 10 + static_cast<uint32_t>(text[pos] - '0');
      ++pos;
    }
    if (digits == 0)
      return std::nullopt;
    result.parts.push_back(value);
    if (pos == text.size())
      return result;
    if (text[pos] != '.')
      return std::nullopt;
    ++pos;
  }
}

std::string firmware_version::to_string() const {
  std::string result;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0)
      result += '.';
    result += std::to_string(parts[i]);
  }
  return result;
}

int compare(const firmware_version& x, const firmware_version& y) {
  auto n = std::max(x.parts.size(), y.parts.size());
  for (size_t i = 0; i < n; ++i) {
    auto a = i < x.parts.size() ? x.parts[i] : 0u;
    auto b = i < y.parts.size() ? y.parts[i] : 0u;
    if (a != b)
      return a < b ? -1 : 1;
  }
  return 0;
}

std::ostream& operator<<(std::ostream& out, const firmware_version& x) {
  return out << x.to_string();
}

} // namespace messages
} // namespace onset
