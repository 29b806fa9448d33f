#include "nodes/node_runtime.hpp"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include <spdlog/spdlog.h>

#include "config/catalog_loader.hpp"

namespace onset {

namespace {

constexpr auto shutdown_limit = std::chrono::seconds{10};

} // namespace

sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int wait_for_stop_signal(const sigset_t& signals) {
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  return signal_number;
}

void arm_shutdown_watchdog() {
  std::thread{[] {
    std::this_thread::sleep_for(shutdown_limit);
    spdlog::error("[node] stop took longer than {}s; exiting",
                  shutdown_limit.count());
    spdlog::default_logger()->flush();
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

std::optional<node_storage> open_node_storage(const node_options& options) {
  auto loaded = load_catalog(options.catalog_file);
  if (!loaded) {
    spdlog::error("[node] catalog refused: {}", loaded.error().to_string());
    return std::nullopt;
  }
  auto storage = options.storage;
  storage.directory = options.data_dir;
  auto opened = persistence::environment::open(storage);
  if (!opened) {
    spdlog::error("[node] cannot open data directory {}: {}", options.data_dir,
                  persistence::to_string(opened.error()));
    return std::nullopt;
  }
  node_storage result;
  result.cat = std::make_shared<const catalog>(std::move(loaded).value());
  result.env = std::move(*opened);
  return result;
}

size_t scheduler_threads(const node_options& options) {
  auto threads = options.threads != 0 ? options.threads
                                      : std::thread::hardware_concurrency();
  return std::max(1u, threads);
}

} // namespace onset
