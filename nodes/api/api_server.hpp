// The HTTP API listener of a node (docs/api.md): with the gateway role the
// routes of routes.hpp behind bearer tokens (token_store.hpp), without it
// only the open probes (`/healthz`, `/readyz`); on its own
// threads (never a CAF scheduler thread): each request waits for the
// GATEWAY on its own thread. HTTPS when given a certificate and key; a
// non-loopback address without TLS is refused unless `insecure_http`.
// No httplib and no CAF in this header.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "messages/catalog.hpp"
#include "nodes/api/health.hpp"
#include "nodes/api/token_store.hpp"

namespace onset::metrics {
class node_metrics;
} // namespace onset::metrics

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace onset::api {

class webhook_dispatcher;

struct api_options {
  std::string host = "127.0.0.1";
  /// 0: a free port, chosen at bind (logged as `api.listening port=N`).
  uint16_t port = 7080;
  /// Both set: HTTPS with this certificate and key (PEM files).
  std::string tls_cert;
  std::string tls_key;
  /// Serve plain HTTP on a non-loopback address anyway.
  bool insecure_http = false;
  /// Bodies larger than this are refused with 413 before they are read.
  size_t max_body = size_t{4} << 20;
  /// Requests served at once (one thread per open connection).
  size_t threads = 32;
  /// How long a request waits for the GATEWAY.
  std::chrono::milliseconds gateway_timeout{15000};
};

/// Why `x` cannot be served: a non-loopback host without TLS (unless
/// `insecure_http`), half a TLS pair, no threads. Nullopt when it can.
std::optional<std::string> check_api_options(const api_options& x);

class api_server {
public:
  /// REQUIRES: check_api_options(opts) is nullopt; `sys`, `gateway` (a
  /// gateway_actor) and `tokens` outlive this; `catalog_doc` is the
  /// catalog's JSON text as loaded; `readiness` answers `/readyz`;
  /// `metrics` (if any) answers `/metrics` and counts every request. An
  /// invalid `gateway` (a node without the gateway role): only the open
  /// routes (the probes, `/metrics`) are served.
  api_server(api_options opts, caf::actor_system& sys,
             const caf::actor& gateway, token_store& tokens,
             std::shared_ptr<const catalog> cat, std::string catalog_doc,
             readiness_probe readiness,
             std::shared_ptr<metrics::node_metrics> metrics = nullptr);
  ~api_server();

  api_server(const api_server&) = delete;
  api_server& operator=(const api_server&) = delete;

  /// Binds the listening socket; returns the port, or why it failed.
  std::variant<uint16_t, std::string> bind();

  /// Serves on its own thread until `stop` or destruction. REQUIRES: `bind`
  /// succeeded.
  void start();

  /// Serves the webhook routes with `x` (which must outlive this server).
  /// REQUIRES: before `start`.
  void set_webhooks(webhook_dispatcher* x);

  /// Stops serving and joins the thread. Safe to call twice.
  void stop();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace onset::api
