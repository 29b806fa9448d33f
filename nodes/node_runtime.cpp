#include "nodes/node_runtime.hpp"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "actors/endpoint_client.hpp"
#include "config/catalog_loader.hpp"
#include "config/endpoints_file.hpp"
#include "messages/log.hpp"

namespace onset::nodes {

namespace {

constexpr auto shutdown_limit = std::chrono::seconds{10};

/// `endpoint.client_started`, one per client an endpoint_set starts.
void log_client_started(const config::endpoint_spec& x) {
  log::info("endpoint.client_started",
            {{"endpoint", x.name},
             {"url", x.url},
             {"connections", x.connections},
             {"client_cert", !x.client_cert.empty()}});
}

/// The clients of `spec`, started; logged one by one first, so that the
/// start is logged before what their threads log.
std::shared_ptr<actors::endpoint_set>
start_endpoint_clients(const config::endpoints_spec& spec,
                       std::shared_ptr<metrics::node_metrics> metrics) {
  log_client_started(spec.printers);
  for (auto& entry : spec.printers_by_customer)
    log_client_started(entry.second);
  for (auto& entry : spec.services)
    log_client_started(entry.second);
  return std::make_shared<actors::endpoint_set>(spec, std::move(metrics));
}

} // namespace

sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, store_failed_signal);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int wait_for_stop(const sigset_t& signals,
                  const std::atomic<bool>& store_failed) {
  for (;;) {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (signal_number != store_failed_signal || store_failed)
      return signal_number;
    log::warn("node.signal_ignored", {{"signal", signal_number}});
  }
}

void arm_shutdown_watchdog() {
  std::thread{[] {
    std::this_thread::sleep_for(shutdown_limit);
    // Errors are flushed as they are written (nodes/logging.cpp).
    log::error("node.stop_overdue", {{"limit_s", shutdown_limit.count()}});
    std::_Exit(1);
  }}.detach();
}

void write_port_file(const std::string& dir, const std::string& name,
                     uint16_t port) {
  auto path = std::filesystem::path{dir} / name;
  auto tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out{tmp};
    out << port << '\n';
  }
  std::filesystem::rename(tmp, path);
}

void remove_port_file(const std::string& dir, const std::string& name) {
  std::error_code ignored;
  std::filesystem::remove(std::filesystem::path{dir} / name, ignored);
}

std::optional<node_storage> open_node_storage(const node_options& options,
                                              bool delivers) {
  auto loaded = config::load_catalog(options.catalog_file);
  if (!loaded) {
    log::error("node.catalog_refused",
               {{"file", options.catalog_file},
                {"reason", loaded.error().to_string()}});
    return std::nullopt;
  }
  auto metrics = std::make_shared<metrics::node_metrics>();
  std::shared_ptr<actors::endpoint_set> endpoints;
  if (!options.endpoints_file.empty()) {
    auto spec = config::load_endpoints_file(options.endpoints_file,
                                            loaded.value());
    if (!spec) {
      log::error("node.endpoints_file_refused",
                 {{"file", options.endpoints_file},
                  {"reason", spec.error().to_string()}});
      return std::nullopt;
    }
    if (delivers)
      endpoints = start_endpoint_clients(spec.value(), metrics);
    else
      log::info("node.endpoints_unused",
                {{"file", options.endpoints_file},
                 {"reason", "no devices or services role"}});
  }
  auto storage = options.storage;
  storage.directory = options.data_dir;
  auto opened = persistence::environment::open(storage);
  if (!opened) {
    log::error("node.data_dir_refused",
               {{"data", options.data_dir},
                {"reason", persistence::to_string(opened.error())}});
    return std::nullopt;
  }
  node_storage result;
  result.cat = std::make_shared<const catalog>(std::move(loaded).value());
  result.metrics = std::move(metrics);
  result.endpoints = std::move(endpoints);
  result.env = std::move(*opened);
  return result;
}

size_t scheduler_threads(const node_options& options) {
  auto threads = options.threads != 0 ? options.threads
                                      : std::thread::hardware_concurrency();
  return std::max(1u, threads);
}

} // namespace onset::nodes
