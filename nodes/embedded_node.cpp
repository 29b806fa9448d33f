#include "nodes/embedded_node.hpp"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/io/middleman.hpp>
#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/contract_supervisor.hpp"
#include "actors/device_supervisor.hpp"
#include "actors/gateway.hpp"
#include "actors/service_supervisor.hpp"
#include "config/catalog_loader.hpp"
#include "nodes/system_config.hpp"
#include "persistence/store_actor.hpp"

namespace onset {

namespace {

constexpr auto shutdown_limit = std::chrono::seconds{10};

/// Writes the bound port where scripts and tests find it (write, rename).
void write_port_file(const std::string& dir, uint16_t port) {
  auto path = std::filesystem::path{dir} / "gateway.port";
  auto tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out{tmp};
    out << port << '\n';
  }
  std::filesystem::rename(tmp, path);
}

/// Ends the process if a clean stop takes longer than `shutdown_limit`: an
/// operator's SIGTERM must not hang. Nothing committed is lost by exiting.
void arm_shutdown_watchdog() {
  std::thread{[] {
    std::this_thread::sleep_for(shutdown_limit);
    spdlog::error("[node] stop took longer than {}s; exiting",
                  shutdown_limit.count());
    spdlog::default_logger()->flush();
    std::_Exit(1);
  }}.detach();
}

} // namespace

int run_embedded_node(const node_options& options) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  auto loaded = load_catalog(options.catalog_file);
  if (!loaded) {
    spdlog::error("[node] catalog refused: {}", loaded.error().to_string());
    return 1;
  }
  auto cat = std::make_shared<const catalog>(std::move(loaded).value());
  auto storage = options.storage;
  storage.directory = options.data_dir;
  auto opened = persistence::environment::open(storage);
  if (!opened) {
    spdlog::error("[node] cannot open data directory {}: {}",
                  options.data_dir, persistence::to_string(opened.error()));
    return 1;
  }
  auto env = std::move(*opened);
  int exit_code = 0;
  {
    system_config cfg;
    auto threads = options.threads != 0 ? options.threads
                                        : std::thread::hardware_concurrency();
    cfg.set("scheduler.max-threads", static_cast<size_t>(std::max(1u, threads)));
    caf::actor_system sys{cfg};
    auto store = sys.spawn<caf::detached>(persistence::store, env.get());
    auto devices = spawn_device_supervisor(
      sys, store, *env, simulated_printer_factory(*cat, options.printer),
      options.receivers);
    auto services = spawn_service_supervisor(sys, store, *env, cat,
                                             options.receivers);
    auto ctx = std::make_shared<contract_context>();
    ctx->cat = cat;
    ctx->env = env.get();
    ctx->store = store;
    ctx->devices = devices;
    ctx->services = services;
    ctx->config = options.engine;
    ctx->now = system_wall_clock();
    auto contracts = sys.spawn(contract_supervisor,
                               std::shared_ptr<const contract_context>{ctx},
                               devices);
    auto gw = sys.spawn(gateway, gateway_routes{contracts, devices, services},
                        cat, options.engine.local_timeout);
    auto port = sys.middleman().publish(gw, options.gateway_port,
                                        options.gateway_host.c_str(), true);
    if (!port) {
      spdlog::error("[node] cannot listen on {}:{}: {}", options.gateway_host,
                    options.gateway_port, sys.render(port.error()));
      exit_code = 1;
    } else {
      write_port_file(options.data_dir, *port);
      spdlog::info("[node] up data={} gateway={}:{} sync={} services={}",
                   options.data_dir, options.gateway_host, *port,
                   persistence::to_string(env->sync()), cat->services.size());
      int signal_number = 0;
      sigwait(&stop_signals, &signal_number);
      spdlog::info("[node] stopping signal={}", signal_number);
      arm_shutdown_watchdog();
      sys.middleman().unpublish(gw, *port);
      std::error_code ignored;
      std::filesystem::remove(std::filesystem::path{options.data_dir}
                                / "gateway.port",
                              ignored);
    }
    for (auto& x : std::vector<caf::actor>{
           caf::actor_cast<caf::actor>(gw),
           caf::actor_cast<caf::actor>(contracts),
           caf::actor_cast<caf::actor>(devices),
           caf::actor_cast<caf::actor>(services)})
      caf::anon_send_exit(x, caf::exit_reason::user_shutdown);
    // The STORE last: it commits what is queued, then quits.
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    sys.await_all_actors_done();
  }
  env.reset();
  spdlog::info("[node] stopped");
  return exit_code;
}

} // namespace onset
