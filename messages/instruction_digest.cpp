#include "messages/instruction_digest.hpp"

#include <cstdint>

#include <openssl/evp.h>

namespace onset {
inline namespace messages {

namespace {

/// Appends `x` length-prefixed (be32), so that no two field lists give the
/// same bytes.
void put(std::string& out, const std::string& x) {
  auto n = static_cast<uint32_t>(x.size());
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((n >> shift) & 0xff));
  out += x;
}

/// The meaningful member of `x` (messages/setting_value.hpp).
void put_value(std::string& out, const setting_value& x) {
  switch (x.kind) {
    case value_kind::flag:
      put(out, x.flag ? "1" : "0");
      break;
    case value_kind::number:
      put(out, std::to_string(x.number));
      break;
    case value_kind::word:
      put(out, x.word);
      break;
    case value_kind::words:
      put(out, std::to_string(x.words.size()));
      for (auto& w : x.words)
        put(out, w);
      break;
  }
}

/// The canonical bytes of the instruction's content (not its stream and
/// seq): versioned, every field length-prefixed, setting values by name.
std::string canonical(const instruction& x) {
  std::string out = "onset-instruction-1";
  put(out, to_string(x.kind));
  put(out, x.device.str());
  put(out, std::to_string(x.contract_version));
  put(out, x.firmware.to_string());
  put(out, std::to_string(x.apps.size()));
  for (auto& app : x.apps)
    put(out, app);
  put(out, std::to_string(x.values.size()));
  for (auto& [name, value] : x.values) {
    put(out, name);
    put(out, to_string(value.kind));
    put_value(out, value);
  }
  return out;
}

} // namespace

std::string content_digest(const instruction& x) {
  auto bytes = canonical(x);
  std::string md(EVP_MAX_MD_SIZE, '\0');
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(),
             reinterpret_cast<unsigned char*>(md.data()), &size, EVP_sha256(),
             nullptr);
  md.resize(size);
  return md;
}

} // namespace messages
} // namespace onset
