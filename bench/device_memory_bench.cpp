// onset-bench-device-memory: the heap an idle DEVICE actor costs, counted
// by the allocator rather than read off a process's RSS (which moves with
// fragmentation and with whatever else the node does meanwhile).
//
// In one process: a real LMDB environment, the STORE, and the DEVICE
// SUPERVISOR with simulated printers, as a devices node runs them. It
// registers N printers, starts a few DEVICE actors to warm up, then starts
// the others with one `get` each, and divides the growth of the heap in use
// (glibc `mallinfo2().uordblks`, every arena) by the actors started:
//
//   onset_bench_device_memory printers=... started=...
//     heap_bytes_per_device_actor=...
//
// The supervisor's registry entries and each actor's monitor are part of
// the figure; the printers' registrations live in LMDB, not on the heap.
#include <CLI/CLI.hpp>
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/spawn_options.hpp>

#include "actors/device_supervisor.hpp"
#include "actors/simulated_printer.hpp"
#include "bench/work_dir.hpp"
#include "config/catalog_loader.hpp"
#include "persistence/store_actor.hpp"

using namespace onset;
using namespace onset::actors;

namespace {

struct options {
  std::string dir;
  std::string catalog_file = std::string{ONSET_SOURCE_DIR}
                             + "/config/catalog.json";
  int printers = 20000;
  int warm_up = 100;
  int enroll_batch = 5000;
};

device_record printer(int i) {
  char id[32];
  std::snprintf(id, sizeof id, "MFP-%06d", i);
  device_record x;
  x.id = device_id{id};
  x.customer = customer_id{"acme"};
  x.model = "MFP-X1";
  x.firmware = *firmware_version::parse("2.4.0");
  return x;
}

/// Heap bytes in use, over every malloc arena.
size_t heap_in_use() {
  malloc_trim(0);
  return mallinfo2().uordblks;
}

/// Sends one request and waits for its answer; false (with a message) on an
/// error.
template <class T, class Handle, class... Ts>
bool ask(caf::scoped_actor& self, const Handle& dest, const char* what,
         Ts&&... xs) {
  bool ok = false;
  self->request(dest, caf::infinite, std::forward<Ts>(xs)...)
    .receive([&](T&) { ok = true; },
             [&](caf::error& err) {
               std::fprintf(stderr, "onset-bench-device-memory: %s: %s\n", what,
                            to_string(err).c_str());
             });
  return ok;
}

int run(const options& o) {
  auto cat = config::load_catalog(o.catalog_file);
  if (!cat) {
    std::fprintf(stderr, "onset-bench-device-memory: %s\n",
                 cat.error().to_string().c_str());
    return 1;
  }
  persistence::environment_options env_opts;
  env_opts.directory = o.dir;
  env_opts.sync = persistence::sync_mode::no_sync; // memory, not fsync
  env_opts.map_size = size_t{1} << 30;
  auto opened = persistence::environment::open(env_opts);
  if (!opened) {
    std::fprintf(stderr, "onset-bench-device-memory: %s\n",
                 persistence::to_string(opened.error()).c_str());
    return 1;
  }
  auto env = std::move(*opened);
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto store = sys.spawn<caf::detached>(persistence::store_behavior, env.get());
  auto devices = actors::spawn_device_supervisor(
    sys, store, *env, actors::simulated_printer_factory(cat.value(), {}));
  caf::scoped_actor self{sys};
  int rc = 0;
  for (int first = 0; first < o.printers && rc == 0; first += o.enroll_batch) {
    std::vector<device_record> batch;
    for (int i = first; i < std::min(o.printers, first + o.enroll_batch); ++i)
      batch.push_back(printer(i));
    if (!ask<atom::ok>(self, devices, "enroll", atom::enroll_v,
                       std::move(batch)))
      rc = 1;
  }
  auto start = [&](int from, int to) {
    for (int i = from; i < to && rc == 0; ++i)
      if (!ask<device_view>(self, devices, "get", atom::get_v, printer(i).id))
        rc = 1;
  };
  int warm_up = std::min(o.warm_up, o.printers);
  start(0, warm_up);
  auto before = heap_in_use();
  start(warm_up, o.printers);
  auto after = heap_in_use();
  if (rc == 0) {
    auto started = o.printers - warm_up;
    auto grown = static_cast<double>(after) - static_cast<double>(before);
    std::printf("onset_bench_device_memory printers=%d started=%d "
                "heap_bytes_per_device_actor=%.0f\n",
                o.printers, started, started > 0 ? grown / started : 0.0);
  }
  caf::anon_send_exit(devices, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
  return rc;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"onset-bench-device-memory: heap bytes per idle DEVICE actor "
               "(one process, simulated printers)"};
  app.add_option("--printers", o.printers, "printers registered and started")
    ->capture_default_str()
    ->check(CLI::Range(1, 10000000));
  app
    .add_option("--warm-up", o.warm_up,
                "actors started before the heap is first read")
    ->capture_default_str()
    ->check(CLI::NonNegativeNumber);
  app.add_option("--catalog", o.catalog_file, "service catalog")
    ->capture_default_str();
  app.add_option("--dir", o.dir,
                 "environment directory (default: a fresh one under /var/tmp, "
                 "removed afterwards)");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  return bench::with_work_dir(o.dir, "onset-bench-memory",
                              [&](const std::string& dir) {
                                o.dir = dir;
                                return run(o);
                              });
}
