#include "nodes/cli/endpoint.hpp"

namespace onset::cli {

std::string endpoint::to_string() const {
  return host + ":" + std::to_string(port);
}

std::optional<endpoint> parse_endpoint(std::string_view text) {
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()
      || text.size() - colon - 1 > 5)
    return std::nullopt;
  uint32_t port = 0;
  for (auto c : text.substr(colon + 1)) {
    if (c < '0' || c > '9')
      return std::nullopt;
    port = port * 10 + static_cast<uint32_t>(c - '0');
  }
  if (port == 0 || port > 65535)
    return std::nullopt;
  return endpoint{std::string{text.substr(0, colon)},
                  static_cast<uint16_t>(port)};
}

} // namespace onset::cli
