// The HTTP API of a node (docs/api.md; without the GATEWAY role only its
// probes): its token store, the admin token of an embedded node's first
// start, the listener, DATA_DIR/http.port. No CAF or httplib in this header.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "messages/catalog.hpp"
#include "nodes/api/api_server.hpp"
#include "nodes/api/token_store.hpp"
#include "nodes/node_options.hpp"

namespace caf {
class actor;
class actor_system;
} // namespace caf

namespace onset::nodes {

/// A serving API; stops at destruction (before the actor system).
struct running_api {
  std::unique_ptr<api::token_store> tokens;
  std::unique_ptr<api::webhook_store> webhook_subscriptions;
  std::unique_ptr<api::webhook_dispatcher> webhooks;
  std::unique_ptr<api::api_server> server;
  std::string data_dir;

  ~running_api();
};

/// Opens the token store of `options.data_dir` (an embedded node makes the
/// `admin` token if it has none), binds and starts the listener, writes
/// DATA_DIR/http.port and logs `api.listening`. Returns why it cannot
/// (options that may not be served, an address in use, a certificate that
/// does not load, a store that does not open). An invalid `gateway` (a
/// node without the gateway role): only the open routes (the probes and
/// `metrics`' text) are served.
std::variant<std::unique_ptr<running_api>, std::string>
start_api(caf::actor_system& sys, const caf::actor& gateway,
          const node_options& options, bool embedded,
          std::shared_ptr<const catalog> cat, api::readiness_probe readiness,
          std::shared_ptr<metrics::node_metrics> metrics);

} // namespace onset::nodes
