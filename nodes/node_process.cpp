#include "nodes/node_process.hpp"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>

#include "messages/log.hpp"
#include "nodes/node_actors.hpp"
#include "nodes/node_api.hpp"
#include "nodes/node_health.hpp"
#include "nodes/node_metrics.hpp"
#include "nodes/node_runtime.hpp"
#include "nodes/system_config.hpp"
#include "nodes/systemd_notify.hpp"

namespace onset::nodes {

namespace {

std::string roles_text(const config::cluster_node& me) {
  std::string result;
  for (auto role : me.roles)
    result += (result.empty() ? "" : ",") + std::string{to_string(role)};
  return result;
}

/// `node.up`: the node listens (systemd is told READY=1 next), with what an
/// operator checks first.
void announce(const node_options& options, const config::cluster_spec& spec,
              const config::cluster_node& me, node_kind kind,
              const node_storage& storage, const wired_node& node,
              uint16_t gateway_port) {
  auto gateway = gateway_port == 0 ? std::string{"-"}
                                   : std::string{gateway_loopback} + ":"
                                       + std::to_string(gateway_port);
  auto sync = persistence::to_string(storage.env->sync());
  if (kind == node_kind::embedded) {
    log::info("node.up", {{"name", me.name},
                          {"gateway", gateway},
                          {"data", options.data_dir},
                          {"sync", sync},
                          {"services", storage.cat->services.size()}});
    return;
  }
  log::info("node.up",
            {{"name", me.name},
             {"roles", roles_text(me)},
             {"address", me.address()},
             {"gateway", gateway},
             {"data", options.data_dir},
             {"sync", sync},
             {"peers", node.links.size()},
             {"heartbeat_ms", spec.heartbeat_interval.count()},
             {"heartbeat_timeout_ms", spec.heartbeat_timeout.count()}});
}

/// Mutual TLS on every cluster connection (docs/cluster.md,
/// "Certificates"): with a certificate set, CAF's OpenSSL module requires
/// and verifies the peer's certificate against the CA on both sides
/// (SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT).
void configure_tls(system_config& cfg, const config::cluster_spec& spec,
                   const config::cluster_node& me) {
  auto files = spec.tls_files(me);
  cfg.openssl_cafile = files.ca;
  cfg.openssl_certificate = files.cert;
  cfg.openssl_key = files.key;
  cfg.load<caf::openssl::manager>();
}

/// `node.stopping`: why the node stops.
void log_stopping(int signal_number, bool store_failed) {
  if (store_failed)
    log::error("node.stopping", {{"reason", "store_failed"},
                                 {"exit_code", exit_storage_failed}});
  else
    log::info("node.stopping", {{"signal", signal_number}});
}

/// The node's HTTP listener, if it serves one: the API on a gateway node,
/// the probes on the others (`--http-port`; always on an embedded node).
/// Returns why it cannot listen.
std::variant<std::unique_ptr<running_api>, std::string>
start_listener(caf::actor_system& sys, const node_options& options,
               node_kind kind, const wired_node& node,
               const node_storage& storage, const node_health& health) {
  if (!options.serve_api)
    return std::unique_ptr<running_api>{};
  return start_api(
    sys, caf::actor_cast<caf::actor>(node.gateway), options,
    kind == node_kind::embedded, storage.cat,
    [&health] { return health.not_ready(); }, storage.metrics);
}

/// Runs the node's actor system from start to stop; returns the exit code.
int run_system(const node_options& options, const config::cluster_spec& spec,
               const config::cluster_node& me, node_kind kind,
               node_storage& storage, const sigset_t& stop_signals) {
  system_config cfg;
  configure_scheduler(cfg, options);
  if (kind == node_kind::cluster) {
    // Identical on every node: all of them read the same cluster file.
    cfg.set("middleman.heartbeat-interval",
            caf::timespan{spec.heartbeat_interval});
    cfg.set("middleman.connection-timeout",
            caf::timespan{spec.heartbeat_timeout});
    if (spec.tls)
      configure_tls(cfg, spec, me);
  }
  caf::actor_system sys{cfg};
  node_resources res;
  res.cat = storage.cat;
  res.env = storage.env.get();
  res.metrics = storage.metrics;
  res.store = spawn_node_store(sys, *storage.env, res.metrics);
  measure_storage(*res.metrics, *storage.env,
                  me.has(config::node_role::contracts));
  auto store_failed = std::make_shared<std::atomic<bool>>(false);
  watch_node_store(res.store, store_failed);
  auto node = wire_node(sys, spec, me, res, options);
  node_health health{sys,       spec,    me,          node.links,
                     res.store, res.cat, store_failed};
  auto port = publish_node(sys, node, me, kind);
  std::unique_ptr<running_api> api;
  if (port) {
    auto started = start_listener(sys, options, kind, node, storage, health);
    if (auto* problem = std::get_if<std::string>(&started)) {
      log::error("api.refused", {{"reason", *problem}});
      unpublish_node(sys, node, me, kind, *port);
      port = caf::make_error(caf::sec::cannot_open_port);
    } else {
      api = std::move(std::get<std::unique_ptr<running_api>>(started));
    }
  }
  if (port) {
    if (*port != 0)
      write_port_file(options.data_dir, "gateway.port", *port);
    announce(options, spec, me, kind, storage, node, *port);
    notify_ready();
    auto signal_number = [&] {
      systemd_watchdog watchdog{[&health] { return health.store_answers(); }};
      return wait_for_stop(stop_signals, *store_failed);
    }();
    health.shutting_down();
    notify_stopping();
    log_stopping(signal_number, *store_failed);
    arm_shutdown_watchdog();
    api.reset();
    unpublish_node(sys, node, me, kind, *port);
    remove_port_file(options.data_dir, "gateway.port");
  }
  stop_node_actors(sys, node.in_stop_order(), res.store);
  // The API is stopped: nobody scrapes what closes next.
  res.metrics->clear_sources();
  if (!port)
    return 1;
  return *store_failed ? exit_storage_failed : 0;
}

} // namespace

caf::expected<uint16_t>
publish_node(caf::actor_system& sys, const wired_node& node,
             const config::cluster_node& me, node_kind kind) {
  auto& mm = sys.middleman();
  if (kind == node_kind::cluster) {
    // Through the OpenSSL module when it is loaded (a TLS cluster): then no
    // plain BASP listener exists on the cluster port.
    auto published = sys.has_openssl_manager()
                       ? caf::openssl::publish(node.directory, me.port,
                                               me.host.c_str(), true)
                       : mm.publish(node.directory, me.port, me.host.c_str(),
                                    true);
    if (!published) {
      log::error("node.publish_failed",
                 {{"actor", "directory"},
                  {"address", me.address()},
                  {"error", sys.render(published.error())}});
      return published.error();
    }
  }
  // Operators and contract systems come in through the HTTP API; the CAF
  // port is for the benchmarks on the gateway node's own machine.
  if (!node.gateway || kind == node_kind::embedded)
    return uint16_t{0};
  auto port = mm.publish(node.gateway, me.gateway_port, gateway_loopback, true);
  if (!port)
    log::error("node.publish_failed",
               {{"actor", "gateway"},
                {"address", std::string{gateway_loopback} + ":"
                              + std::to_string(me.gateway_port)},
                {"error", sys.render(port.error())}});
  return port;
}

void unpublish_node(caf::actor_system& sys, const wired_node& node,
                    const config::cluster_node& me, node_kind kind,
                    uint16_t gateway_port) {
  if (node.gateway && gateway_port != 0)
    sys.middleman().unpublish(node.gateway, gateway_port);
  if (kind == node_kind::cluster)
    sys.middleman().unpublish(node.directory, me.port);
}

int run_node(const node_options& options, const config::cluster_spec& spec,
             const config::cluster_node& me, node_kind kind) {
  auto stop_signals = block_stop_signals();
  auto delivers = me.has(config::node_role::devices)
                  || me.has(config::node_role::services);
  auto storage = open_node_storage(options, delivers);
  if (!storage)
    return 1;
  auto wired = options;
  wired.receivers.endpoints = storage->endpoints;
  auto exit_code = run_system(wired, spec, me, kind, *storage, stop_signals);
  storage->env.reset();
  log::info("node.stopped", {{"name", me.name}, {"exit_code", exit_code}});
  return exit_code;
}

} // namespace onset::nodes
