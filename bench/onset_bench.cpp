// onset-bench: end-to-end provisioning throughput, per-step latency and
// memory of a local cluster of onset-node processes in durable mode, next to
// this machine's raw LMDB ceilings measured in the same run with the same
// build (docs/bench.md). Prints a table and one summary line:
//
//   onset_bench steps_per_s=... ratio_to_lmdb_batched=...
//
// With --endpoints fleet the throughput run is repeated with the nodes
// delivering over HTTP to an onset-fleet process, printing
//
//   onset_bench_fleet steps_per_s=... ratio_to_in_process=...
//
// With --scale N it runs the scale run instead: N printers registered on one
// devices node, then --activate DEVICE actors started, printing
//
//   onset_bench_scale devices=... enroll_s=... bytes_per_device_actor=...
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <spdlog/spdlog.h>
#include <stdexcept>
#include <stdlib.h>
#include <string>

#include "bench/bench_options.hpp"
#include "bench/lmdb_ceiling.hpp"
#include "bench/runs.hpp"

using namespace onset;
using namespace onset::bench;

namespace {

constexpr double mib = 1024.0 * 1024.0;

struct ceilings {
  ceiling single;
  ceiling batched;
};

/// Durable commits straight to a fresh environment on the disk the nodes
/// use: one record each, then 1000 each; 200-byte records.
ceilings measure_ceilings(const bench_options& o, const std::string& dir) {
  persistence::environment_options env_opts;
  env_opts.directory = dir;
  env_opts.sync = persistence::sync_mode::durable;
  env_opts.map_size = size_t{1} << 30;
  auto opened = persistence::environment::open(env_opts);
  if (!opened)
    throw std::runtime_error("cannot open " + dir + ": "
                             + persistence::to_string(opened.error()));
  auto entry = record_of(200);
  ceilings result;
  result.single = direct_commits(**opened, "single",
                                 static_cast<size_t>(o.lmdb_single), 1, entry);
  result.batched = direct_commits(
    **opened, "batched", static_cast<size_t>(o.lmdb_batched), 1000, entry);
  return result;
}

/// The node table; `run_written` adds the bytes each node wrote from the
/// start date to the last `active` (throughput runs only).
void print_nodes(const std::vector<node_result>& nodes, bool run_written) {
  std::printf("%-6s %-18s %12s %12s %8s %10s %12s %10s %10s", "node", "roles",
              "peak_rss_mb", "rss_anon_mb", "cpu_s", "commits", "records",
              "rec/commit", "write_mb");
  std::printf(run_written ? " %12s\n" : "\n", "run_write_mb");
  for (auto& n : nodes) {
    std::printf("%-6s %-18s %12.1f %12.1f %8.2f %10llu %12llu %10.1f %10.1f",
                n.name.c_str(), n.roles.c_str(), n.mem.peak_rss / mib,
                n.mem.rss_anon / mib, n.cpu_s,
                static_cast<unsigned long long>(n.store.commits),
                static_cast<unsigned long long>(n.store.records),
                n.store.commits ? static_cast<double>(n.store.records)
                                    / static_cast<double>(n.store.commits)
                                : 0.0,
                n.written / mib);
    if (run_written)
      std::printf(" %12.1f", n.run_written / mib);
    std::printf("\n");
  }
}

/// The table rows of a throughput run, each starting with `label`, then
/// its node table.
void print_throughput(const char* label, const bench_options& o,
                      const throughput_result& t) {
  auto row = [label](const char* what, double value, const char* format) {
    std::printf("%-11s %-34s ", label, what);
    std::printf(format, value);
    std::printf("\n");
  };
  row("devices", t.devices, "%12.0f");
  row("contracts", t.contracts, "%12.0f");
  row("services per contract", o.services, "%12.0f");
  row("steps", static_cast<double>(t.steps), "%12.0f");
  row("enroll s", t.enroll_s, "%12.2f");
  row("submit s", t.submit_s, "%12.2f");
  row("first active s (after start)", t.first_active_s, "%12.2f");
  row("last active s (after start)", t.last_active_s, "%12.2f");
  row("CPUs busy % (start to last)", t.cpus.busy_pct, "%12.0f");
  row("CPUs in iowait %", t.cpus.iowait_pct, "%12.0f");
  row("steps/s", t.steps_per_s(), "%12.0f");
  row("contracts/s", t.contracts_per_s(), "%12.1f");
  row("step latency p50 ms", t.latency.p50_us / 1000, "%12.3f");
  row("step latency p99 ms", t.latency.p99_us / 1000, "%12.3f");
  auto run_written = static_cast<double>(t.run_written());
  auto kb_per_step = t.steps ? run_written / 1024 / static_cast<double>(t.steps)
                             : 0.0;
  row("written MB (start to last)", run_written / mib, "%12.1f");
  row("written KB per step", kb_per_step, "%12.2f");
  row("nodes CPU s (start to last)", t.run_cpu_s(), "%12.2f");
  if (t.fleet.ran) {
    auto& f = t.fleet.totals;
    row("fleet CPU s (start to last)", t.fleet.run_cpu_s, "%12.2f");
    row("fleet written MB (start to last)",
        static_cast<double>(t.fleet.run_written) / mib, "%12.1f");
    row("fleet applies", static_cast<double>(f.applies), "%12.0f");
    row("fleet instructions", static_cast<double>(f.instructions), "%12.0f");
    row("fleet reads", static_cast<double>(f.reads), "%12.0f");
  }
  print_nodes(t.nodes, true);
  std::fflush(stdout);
}

/// The rows and summary line comparing the run through onset-fleet `f`
/// with the embedded run `e` of the same workload.
void print_fleet(const throughput_result& e, const throughput_result& f,
                 const bench_options& o) {
  print_throughput("fleet", o, f);
  auto& x = f.fleet.totals;
  auto per_s = [&](double n) {
    return f.last_active_s > 0 ? n / f.last_active_s : 0.0;
  };
  auto requests = static_cast<double>(x.applies + x.reads);
  auto per_apply = x.applies ? static_cast<double>(x.instructions)
                                 / static_cast<double>(x.applies)
                             : 0.0;
  auto cpu_total = f.fleet.run_cpu_s + f.run_cpu_s();
  auto share = cpu_total > 0 ? f.fleet.run_cpu_s / cpu_total : 0.0;
  std::printf(
    "onset_bench_fleet steps_per_s=%.0f in_process_steps_per_s=%.0f "
    "ratio_to_in_process=%.2f step_p50_ms=%.3f step_p99_ms=%.3f "
    "last_active_s=%.2f http_requests_per_s=%.0f applies=%llu reads=%llu "
    "instructions=%llu instructions_per_request=%.1f fleet_cpu_s=%.2f "
    "nodes_cpu_s=%.2f fleet_cpu_share=%.2f fleet_write_mb=%.1f "
    "run_write_mb=%.1f busy_pct=%.0f iowait_pct=%.0f\n",
    f.steps_per_s(), e.steps_per_s(),
    e.steps_per_s() > 0 ? f.steps_per_s() / e.steps_per_s() : 0.0,
    f.latency.p50_us / 1000, f.latency.p99_us / 1000, f.last_active_s,
    per_s(requests), static_cast<unsigned long long>(x.applies),
    static_cast<unsigned long long>(x.reads),
    static_cast<unsigned long long>(x.instructions), per_apply,
    f.fleet.run_cpu_s, f.run_cpu_s(), share,
    static_cast<double>(f.fleet.run_written) / mib,
    static_cast<double>(f.run_written()) / mib, f.cpus.busy_pct,
    f.cpus.iowait_pct);
}

int run_main(const bench_options& o, const std::string& dir) {
  std::printf("onset-bench: sync=durable dir=%s node_threads=%u cluster=%s "
              "endpoints=%s\n",
              dir.c_str(), o.node_threads, o.cluster.c_str(),
              o.endpoints.c_str());
  std::fflush(stdout);
  auto lmdb = measure_ceilings(o, dir + "/lmdb");
  std::printf("%-11s %-34s %12.0f\n", "lmdb", "durable commits/s, 1 record",
              lmdb.single.commits_per_s());
  std::printf("%-11s %-34s %12.0f\n", "lmdb", "records/s, 1000 per commit",
              lmdb.batched.records_per_s());
  std::fflush(stdout);
  idle_result idle;
  if (o.latency_contracts > 0) {
    idle = run_idle(o, dir + "/idle");
    std::printf("%-11s %-34s %12d\n", "idle", "single-printer contracts",
                idle.contracts);
    std::printf("%-11s %-34s %12llu\n", "idle", "steps",
                static_cast<unsigned long long>(idle.latency.steps));
    std::printf("%-11s %-34s %12.3f\n", "idle", "step latency p50 ms",
                idle.latency.p50_us / 1000);
    std::printf("%-11s %-34s %12.3f\n", "idle", "step latency p99 ms",
                idle.latency.p99_us / 1000);
    std::printf("%-11s %-34s %12.1f\n", "idle", "submit to active p50 ms",
                idle.contract_p50_ms);
    std::fflush(stdout);
  }
  auto t = run_throughput(o, dir + "/throughput", false);
  print_throughput("throughput", o, t);
  auto run_written = static_cast<double>(t.run_written());
  auto kb_per_step = t.steps ? run_written / 1024 / static_cast<double>(t.steps)
                             : 0.0;
  double peak = 0;
  for (auto& n : t.nodes)
    peak = std::max(peak, n.mem.peak_rss / mib);
  auto commits = t.commits();
  auto per_commit = commits ? static_cast<double>(t.records())
                                / static_cast<double>(commits)
                            : 0.0;
  std::printf(
    "onset_bench steps_per_s=%.0f contracts_per_s=%.1f step_p50_ms=%.3f "
    "step_p99_ms=%.3f idle_step_p50_ms=%.3f idle_step_p99_ms=%.3f "
    "first_active_s=%.2f last_active_s=%.2f max_peak_rss_mb=%.1f "
    "commits=%llu records_per_commit=%.1f lmdb_single_commits_per_s=%.0f "
    "lmdb_batched_records_per_s=%.0f ratio_to_lmdb_single=%.2f "
    "ratio_to_lmdb_batched=%.4f busy_pct=%.0f iowait_pct=%.0f "
    "run_write_mb=%.1f kb_written_per_step=%.2f\n",
    t.steps_per_s(), t.contracts_per_s(), t.latency.p50_us / 1000,
    t.latency.p99_us / 1000, idle.latency.p50_us / 1000,
    idle.latency.p99_us / 1000, t.first_active_s, t.last_active_s, peak,
    static_cast<unsigned long long>(commits), per_commit,
    lmdb.single.commits_per_s(), lmdb.batched.records_per_s(),
    t.steps_per_s() / lmdb.single.commits_per_s(),
    t.steps_per_s() / lmdb.batched.records_per_s(), t.cpus.busy_pct,
    t.cpus.iowait_pct, run_written / mib, kb_per_step);
  std::fflush(stdout);
  if (o.endpoints == "fleet")
    print_fleet(t, run_throughput(o, dir + "/throughput-fleet", true), o);
  return 0;
}

int scale_main(const bench_options& o, const std::string& dir) {
  std::printf("onset-bench scale: sync=durable dir=%s devices=%d batch=%d\n",
              dir.c_str(), o.scale, o.enroll_batch);
  std::fflush(stdout);
  auto s = run_scale(o, dir + "/scale");
  print_nodes(s.nodes, false);
  auto delta = s.active.rss_anon > s.registered.rss_anon
                 ? s.active.rss_anon - s.registered.rss_anon
                 : 0;
  auto per_actor = s.activated ? static_cast<double>(delta) / s.activated : 0.0;
  std::printf(
    "onset_bench_scale devices=%d enroll_s=%.1f enroll_per_s=%.0f "
    "d1_rss_mb=%.1f d1_rss_anon_mb=%.1f d1_peak_rss_mb=%.1f activated=%d "
    "activate_s=%.1f d1_rss_anon_after_mb=%.1f bytes_per_device_actor=%.0f\n",
    s.devices, s.enroll_s, s.devices / s.enroll_s, s.registered.rss / mib,
    s.registered.rss_anon / mib, s.registered.peak_rss / mib, s.activated,
    s.activate_s, s.active.rss_anon / mib, per_actor);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  bench_options o;
  if (auto rc = parse_options(argc, argv, o))
    return *rc;
  spdlog::set_level(spdlog::level::warn);
  bool temporary = o.dir.empty();
  std::string dir = o.dir;
  if (temporary) {
    char pattern[] = "/var/tmp/onset-bench-XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      std::perror("onset-bench: mkdtemp");
      return 1;
    }
    dir = pattern;
  }
  std::filesystem::create_directories(dir);
  int rc = 1;
  try {
    rc = o.scale > 0 ? scale_main(o, dir) : run_main(o, dir);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "onset-bench: %s (data and logs kept in %s)\n",
                 e.what(), dir.c_str());
    return 1;
  }
  if (temporary && !o.keep) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return rc;
}
