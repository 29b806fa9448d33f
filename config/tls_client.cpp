#include "config/tls_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace onset::config {

void expect_host(httplib::Client& cli, const std::string& host) {
  auto* ctx = cli.ssl_context();
  if (ctx == nullptr)
    return;
  auto* param = SSL_CTX_get0_param(ctx);
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1
      || inet_pton(AF_INET6, host.c_str(), &v6) == 1)
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  else
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
}

std::string tls_failure_detail(const httplib::Client& cli, httplib::Error err) {
  std::string result;
  if (err == httplib::Error::SSLServerVerification) {
    auto verdict = cli.get_openssl_verify_result();
    result = verdict == X509_V_OK
               ? "the certificate does not name the server's host"
               : X509_verify_cert_error_string(verdict);
  } else if (auto code = ERR_peek_error(); code != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof(text));
    result = text;
  }
  ERR_clear_error();
  return result;
}

} // namespace onset::config
