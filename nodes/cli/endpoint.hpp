// Where a gateway node's GATEWAY listens on its loopback CAF port:
// `host:port` (the benchmarks' clients, gateway_client.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace onset::cli {

struct endpoint {
  std::string host;
  uint16_t port = 0;

  /// `host:port`.
  std::string to_string() const;
};

/// Parses `host:port` (the host not empty, the port 1..65535); nullopt for
/// anything else.
std::optional<endpoint> parse_endpoint(std::string_view text);

} // namespace onset::cli
