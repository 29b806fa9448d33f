// What every HTTPS client of Onset (the endpoint adapter, the CLI) does on
// top of httplib's checks, in the one place: the server's certificate must
// name the host, and a TLS failure is explained in OpenSSL's words. Only
// the translation units that already compile httplib include this.
#pragma once

#include <string>

namespace httplib {
class Client;
enum class Error;
} // namespace httplib

namespace onset::config {

/// Makes OpenSSL check, with the chain, that the server's certificate names
/// `host` (RFC 6125: a name in a DNS subjectAltName, an address in an IP
/// one; the common name only for a certificate without DNS names).
/// httplib's own check also accepts the common name when the
/// subjectAltName names other hosts; both must pass. Does nothing for a
/// client without TLS context (plain HTTP, or a client certificate that
/// did not load: nothing will connect).
void expect_host(httplib::Client& cli, const std::string& host);

/// What OpenSSL says about the last failure of `cli` on this thread: the
/// certificate check's verdict when the server was not verified, else the
/// oldest error queued (an alert the server sent, such as a client
/// certificate it required); empty if none. Empties the thread's queue.
std::string tls_failure_detail(const httplib::Client& cli, httplib::Error err);

} // namespace onset::config
