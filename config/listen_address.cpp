#include "config/listen_address.hpp"

#include <arpa/inet.h>

namespace onset::config {

bool is_loopback(const std::string& host) {
  if (host == "localhost" || host == "::1")
    return true;
  in_addr addr{};
  return inet_pton(AF_INET, host.c_str(), &addr) == 1
         && (ntohl(addr.s_addr) >> 24) == 127;
}

const char* code_of_http_status(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorized";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 413:
      return "too_large";
    case 414:
      return "uri_too_long";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "server_error" : "bad_request";
  }
}

} // namespace onset::config
