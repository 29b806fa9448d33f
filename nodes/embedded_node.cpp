#include "nodes/embedded_node.hpp"

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <spdlog/spdlog.h>

#include "actors/gateway.hpp"
#include "nodes/cluster/cluster_view.hpp"
#include "nodes/cluster/node_directory.hpp"
#include "nodes/node_actors.hpp"
#include "nodes/system_config.hpp"

namespace onset {

namespace {

/// The one node of an embedded deployment, as `onset cluster` shows it: its
/// address is the GATEWAY's (`auto` for a port picked at start).
node_status embedded_identity(const node_options& options) {
  node_status result;
  result.name = "embedded";
  result.address = options.gateway_host + ":"
                   + (options.gateway_port == 0
                        ? std::string{"auto"}
                        : std::to_string(options.gateway_port));
  result.roles = {"gateway", "contracts", "devices", "services"};
  return result;
}

} // namespace

int run_embedded_node(const node_options& options) {
  auto stop_signals = block_stop_signals();
  auto storage = open_node_storage(options);
  if (!storage)
    return 1;
  int exit_code = 0;
  {
    system_config cfg;
    configure_scheduler(cfg, options);
    caf::actor_system sys{cfg};
    auto store = spawn_node_store(sys, *storage);
    auto devices = spawn_node_devices(sys, options, *storage, store);
    auto services = spawn_node_services(sys, options, *storage, store);
    auto contracts = spawn_node_contracts(sys, options, *storage, store,
                                          devices, services);
    auto directory = sys.spawn(node_directory, embedded_identity(options),
                               local_supervisors{devices, contracts, services},
                               std::vector<peer_link_actor>{},
                               storage->env.get());
    auto view = sys.spawn(cluster_view,
                          std::vector<node_status_actor>{directory},
                          options.engine.local_timeout);
    auto gw = sys.spawn(gateway_behavior,
                        gateway_routes{contracts, devices, services, view},
                        storage->cat, options.engine.local_timeout);
    auto port = sys.middleman().publish(gw, options.gateway_port,
                                        options.gateway_host.c_str(), true);
    if (!port) {
      spdlog::error("[node] cannot listen on {}:{}: {}", options.gateway_host,
                    options.gateway_port, sys.render(port.error()));
      exit_code = 1;
    } else {
      write_port_file(options.data_dir, "gateway.port", *port);
      spdlog::info("[node] up data={} gateway={}:{} sync={} services={}",
                   options.data_dir, options.gateway_host, *port,
                   persistence::to_string(storage->env->sync()),
                   storage->cat->services.size());
      auto signal_number = wait_for_stop_signal(stop_signals);
      spdlog::info("[node] stopping signal={}", signal_number);
      arm_shutdown_watchdog();
      sys.middleman().unpublish(gw, *port);
      remove_port_file(options.data_dir, "gateway.port");
    }
    stop_node_actors(sys,
                     {caf::actor_cast<caf::actor>(gw),
                      caf::actor_cast<caf::actor>(view),
                      caf::actor_cast<caf::actor>(directory),
                      caf::actor_cast<caf::actor>(contracts),
                      caf::actor_cast<caf::actor>(devices),
                      caf::actor_cast<caf::actor>(services)},
                     store);
  }
  storage->env.reset();
  spdlog::info("[node] stopped");
  return exit_code;
}

} // namespace onset
