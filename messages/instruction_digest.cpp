#include "messages/instruction_digest.hpp"

#include <array>
#include <cstdio>

#include <nlohmann/json.hpp>
#include <openssl/sha.h>

#include "messages/contract_json.hpp"

namespace onset {
inline namespace messages {

std::string content_digest(const instruction& x) {
  nlohmann::json doc{{"kind", to_string(x.kind)},
                     {"device", x.device.str()},
                     {"contract_version", x.contract_version},
                     {"firmware", x.firmware.to_string()},
                     {"apps", x.apps},
                     {"values", to_json(x.values)}};
  auto text = doc.dump();
  std::array<unsigned char, SHA256_DIGEST_LENGTH> md{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         md.data());
  std::string hex;
  hex.reserve(2 * md.size());
  char buf[3];
  for (auto b : md) {
    std::snprintf(buf, sizeof(buf), "%02x", b);
    hex += buf;
  }
  return hex;
}

} // namespace messages
} // namespace onset
