#include "config/cluster_tls.hpp"

#include <memory>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace onset::config {

namespace {

/// OpenSSL's queued errors, oldest first; empties the thread's queue.
std::string ssl_errors() {
  std::string result;
  while (auto err = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof(buf));
    result += (result.empty() ? "" : "; ") + std::string{buf};
  }
  return result.empty() ? "no detail from OpenSSL" : result;
}

invalid_input refused(const std::string& file, const std::string& why) {
  return invalid_input{file, why + " (" + ssl_errors() + ")"};
}

/// Whether the context's certificate verifies against its trust store.
std::optional<std::string> verify_own_certificate(SSL_CTX* ctx) {
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> check{
    X509_STORE_CTX_new(), X509_STORE_CTX_free};
  STACK_OF(X509)* chain = nullptr;
  SSL_CTX_get0_chain_certs(ctx, &chain);
  if (!check
      || X509_STORE_CTX_init(check.get(), SSL_CTX_get_cert_store(ctx),
                             SSL_CTX_get0_certificate(ctx), chain)
           != 1)
    return "cannot set up the check (" + ssl_errors() + ")";
  if (X509_verify_cert(check.get()) == 1)
    return std::nullopt;
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(check.get()));
}

} // namespace

std::optional<invalid_input> check_node_tls(const node_tls_files& files) {
  ERR_clear_error();
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx{
    SSL_CTX_new(TLS_method()), SSL_CTX_free};
  if (!ctx)
    return refused(files.cert, "cannot create a TLS context");
  if (SSL_CTX_load_verify_locations(ctx.get(), files.ca.c_str(), nullptr) != 1)
    return refused(files.ca, "is not a readable PEM CA certificate");
  // The key first: loaded after the certificate, a key of another pair
  // fails to load rather than to match.
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), files.key.c_str(),
                                  SSL_FILETYPE_PEM)
      != 1)
    return refused(files.key, "is not a readable unencrypted PEM private key");
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), files.cert.c_str()) != 1)
    return refused(files.cert, "is not a readable PEM certificate");
  if (SSL_CTX_check_private_key(ctx.get()) != 1)
    return refused(files.key, "does not match the certificate " + files.cert);
  if (auto why = verify_own_certificate(ctx.get()))
    return invalid_input{files.cert, "does not verify against the cluster's "
                                     "CA "
                                       + files.ca + ": " + *why};
  return std::nullopt;
}

} // namespace onset::config
