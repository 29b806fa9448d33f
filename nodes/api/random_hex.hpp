// Bytes as lower-case hex text, and fresh random ones (OpenSSL's RAND_bytes):
// what the API's token secrets, webhook ids and signatures are written as.
#pragma once

#include <cstddef>
#include <string>

namespace onset::api {

/// `size` bytes at `data` as 2 * `size` lower-case hex digits.
std::string to_hex(const unsigned char* data, size_t size);

/// `bytes` fresh random bytes as hex; throws std::runtime_error if OpenSSL
/// has no randomness to give (nothing secret may be made then).
std::string random_hex(size_t bytes);

} // namespace onset::api
