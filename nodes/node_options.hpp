// Everything `onset-node` is told on its command line, with defaults: where
// its data lives, where its HTTP API listens, the catalog, and the tunables of
// the engine, the printers' simulator and the storage.
#pragma once

#include <cstdint>
#include <string>

#include "actors/engine_config.hpp"
#include "actors/fault_plan.hpp"
#include "actors/receiver_options.hpp"
#include "actors/simulated_printer.hpp"
#include "messages/versions.hpp"
#include "nodes/api/api_server.hpp"
#include "nodes/api/webhook_dispatcher.hpp"
#include "persistence/environment.hpp"

namespace onset::nodes {

struct node_options {
  std::string data_dir = "onset-data";
  std::string catalog_file;
  /// The HTTP API (docs/api.md) of a node with the gateway role.
  api::api_options api;
  /// How the gateway delivers webhooks (docs/events.md, "Webhooks").
  api::webhook_options webhooks;
  /// Whether it is served: always by an embedded node, by a cluster node
  /// when `--http-port` is given (without the gateway role: only the
  /// probes `/healthz` and `/readyz`).
  bool serve_api = true;
  /// `--endpoints`: where DEVICE and SERVICE actors deliver
  /// (docs/endpoints.md, "Onset's endpoints file"); empty: the embedded
  /// simulator.
  std::string endpoints_file;
  std::string log_level = "info";
  std::string log_format = "text";
  persistence::environment_options storage;
  actors::engine_config engine;
  actors::receiver_options receivers;
  actors::simulated_printer_options printer;
  /// CAF scheduler threads; 0: one per core.
  unsigned threads = 0;
  /// Test-only (docs/chaos.md): faults injected between this node's
  /// CONTRACT actors and their targets. None unless `--test-faults` was
  /// given and enabled.
  actors::fault_options test_faults;
  /// CAF scheduler policy: "sharing" (one queue for all threads) or
  /// "stealing" (CAF's default: a queue per thread, idle threads steal).
  /// Sharing measured better on 2 cores (docs/bench.md).
  std::string scheduler = "sharing";
  /// The wire version this node speaks to its peers; another only with
  /// `--test-wire-version` (tests of the refusal, docs/cluster.md).
  uint32_t wire_version = onset::wire_version;
};

} // namespace onset::nodes
