// Onset's endpoints file (format in docs/endpoints.md, "Onset's endpoints
// file"): where DEVICE and SERVICE actors deliver instructions when they
// do not use the embedded simulator. One printer-management endpoint
// (optionally one per customer) and one endpoint per catalog service.
// Parsed and checked here, once, before any actor starts; a bad file is
// refused as a whole, naming the field. No CAF and no HTTP here.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "messages/catalog.hpp"
#include "messages/outcome.hpp"

namespace onset::config {

/// One endpoint as the file declares it, its token read from `token_file`.
struct endpoint_spec {
  /// Where it is declared (`printers`, `services.data_backup`), for logs.
  std::string name;
  /// `http://host[:port]` or `https://host[:port]`, without a path.
  std::string url;
  /// The bearer token (the token file's content, trailing white space cut).
  std::string token;
  /// False: a state-only endpoint (docs/endpoints.md, "Two kinds").
  bool idempotent = true;
  /// HTTPS only; empty: the system CA store, no client certificate.
  std::string ca_file;
  std::string client_cert;
  std::string client_key;
  /// Per request: connect, send, and wait for the answer each. Also an
  /// apply's deadline: it must not take effect later than this after it
  /// was sent (`not_after`, docs/endpoints.md, "Deadlines").
  std::chrono::milliseconds timeout{5000};
  /// State-only endpoints: after an apply got no answer, how long past its
  /// deadline its targets are not read (the clock difference allowed
  /// between node and endpoint, and the endpoint's commit time).
  std::chrono::milliseconds deadline_margin{1000};
  /// Instructions (or targets) per request, 1 to 256. The protocol's
  /// maximum by default: a client sends what is queued and never waits to
  /// fill a batch, so a short queue costs no latency, while a long one
  /// shares each of the endpoint's durable commits among more instructions
  /// (docs/bench.md: about twice the steps/s of 64 through onset-fleet).
  size_t max_batch = 256;
  /// Keep-alive connections, each with its own thread, 1 to 16.
  size_t connections = 2;

  bool https() const {
    return url.rfind("https://", 0) == 0;
  }
};

struct endpoints_spec {
  endpoint_spec printers;
  /// By customer id; printers of other customers use `printers`.
  std::map<std::string, endpoint_spec> printers_by_customer;
  /// By catalog service id, `*` for the services not named. Every service
  /// of the catalog the file was checked against has one of the two.
  std::map<std::string, endpoint_spec> services;

  /// The endpoint of `customer`'s printers.
  const endpoint_spec& for_customer(const std::string& customer) const;

  /// The endpoint of `service`. REQUIRES: the service is named or `*` is.
  const endpoint_spec& for_service(const std::string& service) const;
};

/// Bounds of the numeric fields.
inline constexpr size_t max_connections = 16;
inline constexpr int64_t max_timeout_ms = 600'000;

/// Parses and checks endpoints file text against `cat`. Refusals name the
/// field (`services.data_backup.url`): not JSON, unknown fields, a missing
/// or ill-typed field, a URL that is not http(s)://host[:port], a token file
/// that cannot be read, is empty or is accessible by group or others,
/// TLS files on a plain http endpoint or unreadable, a client certificate
/// without its key, numbers out of range, a service not in the catalog,
/// a catalog service without an endpoint (and no `*`). Relative file names
/// are taken from `base_dir`.
outcome<endpoints_spec> parse_endpoints(std::string_view text,
                                        const catalog& cat,
                                        const std::string& base_dir);

/// Reads `file` and parses it (relative file names inside are taken from
/// the file's directory); the refusal's field is `FILE: FIELD`.
outcome<endpoints_spec> load_endpoints_file(const std::string& file,
                                            const catalog& cat);

} // namespace onset::config
