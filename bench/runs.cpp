#include "bench/runs.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <thread>

#include "actors/step_latency.hpp"
#include "bench/fleet_process.hpp"
#include "bench/gateway_pool.hpp"
#include "bench/local_cluster.hpp"
#include "bench/workload.hpp"
#include "messages/contract_state.hpp"

namespace onset::bench {

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

/// The steady-clock moment of the wall-clock second `unix_seconds`.
clock_type::time_point steady_at(int64_t unix_seconds) {
  auto wall
    = std::chrono::system_clock::time_point{std::chrono::seconds{unix_seconds}};
  return clock_type::now()
         + std::chrono::duration_cast<clock_type::duration>(
           wall - std::chrono::system_clock::now());
}

std::vector<std::string> node_args(const bench_options& o) {
  // Info, as JSON events: onset-bench reads the contracts turning active
  // and the fine latency histogram from the logs (the STORE totals and the
  // steps from /metrics).
  std::vector<std::string> result{
    "--threads",    std::to_string(o.node_threads),
    "--log-level",  "info",
    "--log-format", "json"};
  result.insert(result.end(), o.node_args.begin(), o.node_args.end());
  return result;
}

std::vector<node_spec> nodes_of(const bench_options& o) {
  return o.cluster == "two" ? two_nodes() : five_nodes();
}

std::string joined(const std::vector<std::string>& xs) {
  std::string result;
  for (auto& x : xs)
    result += (result.empty() ? "" : ",") + x;
  return result;
}

/// Registers printers `prefix`-1..`count`, `batch` per request, over
/// `clients` clients; returns the seconds it took.
double enroll(const cli::endpoint& gw, const std::string& prefix, int count,
              int batch, int clients) {
  auto started = clock_type::now();
  int batches = (count + batch - 1) / batch;
  parallel(gw, std::min(clients, batches), [&](int i, cli::gateway_client& c) {
    for (int b = i; b < batches; b += clients) {
      int first = 1 + b * batch;
      auto n = std::min(batch, count - b * batch);
      auto done = c.enroll(devices(prefix, first, n));
      checked(done, "enroll");
    }
  });
  return seconds_since(started);
}

/// Every node's written_bytes_of, in the cluster's order.
std::vector<uint64_t> written_now(const local_cluster& cluster) {
  std::vector<uint64_t> result;
  for (auto& n : cluster.nodes())
    result.push_back(written_bytes_of(cluster.pid(n.name)));
  return result;
}

/// Every node's cpu_seconds_of, in the cluster's order.
std::vector<double> cpu_now(const local_cluster& cluster) {
  std::vector<double> result;
  for (auto& n : cluster.nodes())
    result.push_back(cpu_seconds_of(cluster.pid(n.name)));
  return result;
}

/// Every contracts node's histogram, merged; the steps as their /metrics
/// counted them (`nodes`, read before the stop).
latency_result latency_of(const local_cluster& cluster,
                          const std::vector<node_result>& nodes) {
  std::vector<uint64_t> counts;
  for (auto& n : cluster.nodes())
    for (auto& role : n.roles)
      if (role == "contracts")
        add_latency_of(cluster.log_path(n.name), counts);
  latency_result result;
  for (auto& n : nodes)
    result.steps += n.steps_acked;
  result.p50_us = actors::step_latency::quantile(counts, 0.5);
  result.p99_us = actors::step_latency::quantile(counts, 0.99);
  return result;
}

/// Memory, CPU time and /metrics while running, then stops the cluster.
std::vector<node_result> finish(local_cluster& cluster) {
  std::vector<node_result> result;
  for (auto& n : cluster.nodes()) {
    auto pid = cluster.pid(n.name);
    node_result r;
    r.name = n.name;
    r.roles = joined(n.roles);
    r.mem = memory_of(pid);
    r.cpu_s = cpu_seconds_of(pid);
    r.written = written_bytes_of(pid);
    auto text = cluster.metrics_of(n.name);
    r.store = store_totals_of_metrics(text);
    if (!r.store.found)
      throw std::runtime_error("node " + r.name
                               + ": /metrics without the STORE totals");
    r.steps_acked = static_cast<uint64_t>(
      metric_sum(text, "onset_step_latency_seconds_count").value_or(0));
    result.push_back(std::move(r));
  }
  cluster.stop();
  return result;
}

std::string fresh(const std::string& dir) {
  std::filesystem::create_directories(dir);
  return dir;
}

} // namespace

uint64_t throughput_result::commits() const {
  uint64_t result = 0;
  for (auto& n : nodes)
    result += n.store.commits;
  return result;
}

uint64_t throughput_result::run_written() const {
  uint64_t result = 0;
  for (auto& n : nodes)
    result += n.run_written;
  return result;
}

double throughput_result::run_cpu_s() const {
  double result = 0;
  for (auto& n : nodes)
    result += n.run_cpu_s;
  return result;
}

uint64_t throughput_result::records() const {
  uint64_t result = 0;
  for (auto& n : nodes)
    result += n.store.records;
  return result;
}

idle_result run_idle(const bench_options& o, const std::string& dir) {
  idle_result result;
  result.contracts = o.latency_contracts;
  local_cluster cluster{fresh(dir), nodes_of(o), node_args(o)};
  auto gw = connect(cluster.gateway());
  enroll(cluster.gateway(), "LAT", o.latency_contracts, o.enroll_batch, 1);
  std::vector<double> took;
  for (int i = 1; i <= o.latency_contracts; ++i) {
    auto id = "L-" + std::to_string(i);
    auto doc = contract_of(id, {device_name("LAT", i)}, o.services,
                           unix_now() - 3600);
    auto started = clock_type::now();
    auto submitted = gw->submit({doc});
    checked(submitted, "submit");
    for (;;) {
      auto view = gw->contract_details(contract_id{id});
      auto& x = checked(view, "status");
      if (x.summary.state == contract_state::active)
        break;
      if (x.summary.state == contract_state::degraded)
        throw std::runtime_error(id + " degraded: " + x.summary.reason);
      if (seconds_since(started) > o.timeout)
        throw std::runtime_error(id + " not active within --timeout");
      std::this_thread::sleep_for(milliseconds{5});
    }
    took.push_back(seconds_since(started) * 1000);
  }
  gw.reset();
  std::sort(took.begin(), took.end());
  if (!took.empty())
    result.contract_p50_ms = took[took.size() / 2];
  auto nodes = finish(cluster);
  result.latency = latency_of(cluster, nodes);
  return result;
}

namespace {

/// The fleet of a run through onset-fleet, with the endpoints file's batch
/// and connections of --endpoint-batch and --endpoint-connections.
fleet_settings tuned(const bench_options& o) {
  fleet_settings x;
  x.max_batch = o.endpoint_batch;
  x.connections = o.endpoint_connections;
  return x;
}

} // namespace

throughput_result run_throughput(const bench_options& o, const std::string& dir,
                                 bool through_fleet) {
  throughput_result result;
  result.devices = o.devices;
  result.contracts = o.contracts;
  // Declared before the cluster, so that it outlives the nodes sending to
  // it.
  std::optional<fleet_process> fleet;
  auto args = node_args(o);
  if (through_fleet) {
    fleet.emplace(fresh(dir) + "/fleet", devices("MFP", 1, o.devices),
                  std::chrono::seconds{30}, tuned(o));
    args.insert(args.end(), {"--endpoints", fleet->endpoints_file()});
  }
  local_cluster cluster{fresh(dir), nodes_of(o), args};
  result.enroll_s = enroll(cluster.gateway(), "MFP", o.devices,
                           std::min(o.enroll_batch, 5000), o.clients);
  // Every contract starts at the same second, far enough ahead that all
  // are accepted before it (the gateway accepts one document at a time per
  // request, each durably).
  auto lead = 2 + o.contracts / 250;
  auto start = unix_now() + lead;
  std::vector<contract> docs;
  for (int i = 0; i < o.contracts; ++i) {
    std::vector<device_id> printers;
    for (int j = 0; j < o.devices_per_contract; ++j)
      printers.push_back(
        device_name("MFP", i * o.devices_per_contract + j + 1));
    docs.push_back(
      contract_of("C-" + std::to_string(i + 1), printers, o.services, start));
  }
  auto submit_started = clock_type::now();
  constexpr int per_request = 50;
  int requests = (o.contracts + per_request - 1) / per_request;
  parallel(cluster.gateway(), std::min(o.clients, requests),
           [&](int i, cli::gateway_client& c) {
             for (int r = i; r < requests; r += o.clients) {
               auto first = docs.begin() + r * per_request;
               auto last = docs.begin()
                           + std::min(o.contracts, (r + 1) * per_request);
               auto done = c.submit({first, last});
               checked(done, "submit");
             }
           });
  result.submit_s = seconds_since(submit_started);
  auto t0 = steady_at(start);
  if (clock_type::now() > t0)
    std::fprintf(stderr,
                 "onset-bench: submitting took %.1f s, past the common start "
                 "date; the first contracts started before the last were "
                 "accepted\n",
                 result.submit_s);
  // Until every contract is active, follow the contracts nodes' logs
  // (asking for every contract's status would load them); then ask once.
  std::vector<std::string> logs;
  for (auto& n : cluster.nodes())
    for (auto& role : n.roles)
      if (role == "contracts")
        logs.push_back(cluster.log_path(n.name));
  active_watch watch{logs};
  std::optional<machine_cpu> at_start;
  std::vector<uint64_t> written_at_start;
  std::vector<double> cpu_at_start;
  double fleet_cpu_at_start = 0;
  uint64_t fleet_written_at_start = 0;
  auto fleet_cpu = [&] { return fleet ? cpu_seconds_of(fleet->pid()) : 0.0; };
  auto fleet_written = [&] {
    return fleet ? written_bytes_of(fleet->pid()) : uint64_t{0};
  };
  for (watch.poll(); watch.count() < o.contracts; watch.poll()) {
    if (!at_start && clock_type::now() >= t0) {
      at_start = machine_cpu_now();
      written_at_start = written_now(cluster);
      cpu_at_start = cpu_now(cluster);
      fleet_cpu_at_start = fleet_cpu();
      fleet_written_at_start = fleet_written();
    }
    if (std::chrono::duration<double>(clock_type::now() - t0).count()
        > o.timeout)
      throw std::runtime_error(std::to_string(o.contracts - watch.count())
                               + " contracts not active within --timeout");
    std::this_thread::sleep_for(milliseconds{50});
  }
  result.cpus = shares_between(at_start.value_or(machine_cpu_now()),
                               machine_cpu_now());
  auto written_at_end = written_now(cluster);
  auto cpu_at_end = cpu_now(cluster);
  auto fleet_cpu_at_end = fleet_cpu();
  auto fleet_written_at_end = fleet_written();
  if (written_at_start.empty()) {
    written_at_start = written_at_end;
    cpu_at_start = cpu_at_end;
    fleet_cpu_at_start = fleet_cpu_at_end;
    fleet_written_at_start = fleet_written_at_end;
  }
  result.first_active_s = std::max(0.0,
                                   (watch.first_ms() - start * 1000) / 1000.0);
  result.last_active_s = (watch.last_ms() - start * 1000) / 1000.0;
  // A CONTRACT logs a transition once its commit is done, so every
  // contract seen active in the logs is active in the stores.
  auto gw = connect(cluster.gateway());
  auto all = gw->list_contracts();
  for (auto& x : checked(all, "status")) {
    if (x.state != contract_state::active)
      throw std::runtime_error(x.id.str() + " is " + to_string(x.state)
                               + ", not active");
    result.steps += x.steps_total;
  }
  gw.reset();
  result.nodes = finish(cluster);
  for (size_t i = 0; i < result.nodes.size(); ++i) {
    result.nodes[i].run_written = written_at_end[i] > written_at_start[i]
                                    ? written_at_end[i] - written_at_start[i]
                                    : 0;
    result.nodes[i].run_cpu_s = cpu_at_end[i] - cpu_at_start[i];
  }
  result.latency = latency_of(cluster, result.nodes);
  if (fleet) {
    result.fleet.ran = true;
    result.fleet.run_cpu_s = fleet_cpu_at_end - fleet_cpu_at_start;
    result.fleet.run_written = fleet_written_at_end > fleet_written_at_start
                                 ? fleet_written_at_end - fleet_written_at_start
                                 : 0;
    result.fleet.totals = fleet->stop();
  }
  return result;
}

scale_result run_scale(const bench_options& o, const std::string& dir) {
  scale_result result;
  result.devices = o.scale;
  local_cluster cluster{fresh(dir), two_nodes(), node_args(o)};
  result.enroll_s = enroll(cluster.gateway(), "MFP", o.scale, o.enroll_batch,
                           o.clients);
  auto devices_pid = cluster.pid("d1");
  result.registered = memory_of(devices_pid);
  result.activated = o.activate;
  auto started = clock_type::now();
  parallel(cluster.gateway(), std::min(o.clients, std::max(1, o.activate)),
           [&](int i, cli::gateway_client& c) {
             for (int k = 1 + i; k <= o.activate; k += o.clients) {
               auto view = c.device(device_name("MFP", k));
               checked(view, "device");
             }
           });
  result.activate_s = seconds_since(started);
  result.active = memory_of(devices_pid);
  result.nodes = finish(cluster);
  return result;
}

} // namespace onset::bench
