// The HTTP side of onset-fleet: the routes of docs/endpoints.md over an
// endpoint_core, with a bearer token, a body size limit and the injected
// faults of docs/endpoints.md ("onset-fleet"). No httplib in this header.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "nodes/fleet/fleet_core.hpp"

namespace onset::fleet {

/// Faults, drawn per request from one generator seeded with `seed`.
struct fault_options {
  /// Added before every authorized request is handled.
  std::chrono::milliseconds latency{0};
  /// Probability that an apply or read is answered 503 before anything is
  /// done.
  double fail = 0.0;
  /// Probability that an apply, once committed, is not answered: the
  /// connection is shut down without a byte of the reply.
  double lose_reply = 0.0;
  uint64_t seed = 0;
};

struct server_options {
  std::string host = "127.0.0.1";
  /// 0: a free port, chosen at bind.
  uint16_t port = 0;
  /// The bearer token every request must carry.
  std::string token;
  /// Both set: HTTPS with this certificate (chain) and key (PEM files),
  /// TLS 1.2 at least.
  std::string tls_cert;
  std::string tls_key;
  /// HTTPS only: the CA certificates (PEM) a client certificate must be
  /// signed by; a client without one is refused during the handshake.
  /// Empty: no client certificate is asked for.
  std::string client_ca;
  /// Bodies larger than this are refused with 413 before they are read.
  size_t max_body = size_t{8} << 20;
  /// Requests served at once (one thread per open connection).
  size_t threads = 16;
  fault_options faults;
};

/// The applies and reads performed since start (answered, or performed
/// and their reply lost), and the instructions and targets they carried:
/// what onset-bench divides by the run's length.
struct request_totals {
  uint64_t applies = 0;
  uint64_t instructions = 0;
  uint64_t reads = 0;
  uint64_t targets = 0;
};

/// Why `x` cannot be served: a non-loopback host without TLS, half a TLS
/// pair, a client CA without TLS, an empty token. Nullopt when it can.
std::optional<std::string> check_server_options(const server_options& x);

class fleet_server {
public:
  /// REQUIRES: check_server_options(opts) is nullopt; `core` outlives this.
  fleet_server(endpoint_core& core, server_options opts);
  ~fleet_server();

  fleet_server(const fleet_server&) = delete;
  fleet_server& operator=(const fleet_server&) = delete;

  /// Binds the listening socket; returns the port, or why it failed (a
  /// TLS certificate, key or client CA that does not load, a key that is
  /// not the certificate's, a port in use).
  std::variant<uint16_t, std::string> bind();

  /// Serves until `stop`. REQUIRES: `bind` succeeded.
  void run();

  /// Makes `run` return. Safe from any thread.
  void stop();

  /// Safe from any thread.
  request_totals totals() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace onset::fleet
