// Where a server of Onset may listen without TLS (docs/api.md,
// docs/endpoints.md): loopback only; anything else needs a certificate.
#pragma once

#include <string>

namespace onset::config {

/// Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost).
bool is_loopback(const std::string& host);

/// The error code of an HTTP answer a server library gave by itself (an
/// unknown route, a body over the limit, a request it could not read):
/// `bad_request`, `not_found`, `too_large`, ...
const char* code_of_http_status(int status);

} // namespace onset::config
