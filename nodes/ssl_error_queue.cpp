// A fix for CAF 0.17.6's OpenSSL module (libcaf_openssl), linked into
// onset-node and exported from it so that the module's calls land here.
//
// The module calls SSL_accept, SSL_connect, SSL_read and SSL_write and then
// SSL_get_error() without first emptying the thread's OpenSSL error queue,
// and empties it only inside log statements that Debian's build compiles
// out. One failed handshake (a client without the cluster's certificate, a
// plain-TCP client) thus leaves its error queued on the multiplexer thread,
// and the next harmless SSL_ERROR_WANT_READ of any other connection reads as
// SSL_ERROR_SSL: CAF closes that healthy connection. OpenSSL requires an
// empty queue before each of these calls (SSL_get_error(3)); CAF fixed the
// same in its later libcaf_net (commit 2815cf255). These definitions empty
// it, then call OpenSSL's own. Every other caller (httplib) is served the
// same way, which OpenSSL's contract allows.
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

/// OpenSSL's definition of `name`, the next one after this executable's.
template <class Fn>
Fn next_definition(const char* name) {
  auto* fn = reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
  if (fn == nullptr) {
    std::fprintf(stderr, "onset-node: no OpenSSL %s: %s\n", name, ::dlerror());
    std::abort();
  }
  return fn;
}

} // namespace

extern "C" {

int SSL_accept(SSL* ssl) {
  static auto real = next_definition<int (*)(SSL*)>("SSL_accept");
  ERR_clear_error();
  return real(ssl);
}

int SSL_connect(SSL* ssl) {
  static auto real = next_definition<int (*)(SSL*)>("SSL_connect");
  ERR_clear_error();
  return real(ssl);
}

int SSL_read(SSL* ssl, void* buf, int num) {
  static auto real = next_definition<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static auto real
    = next_definition<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return real(ssl, buf, num);
}

} // extern "C"
