// The runs of onset-bench, each on a fresh local cluster under its own
// directory, and what each measures. No CAF.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/bench_options.hpp"
#include "bench/fleet_process.hpp"
#include "bench/node_figures.hpp"

namespace onset::bench {

/// One node's figures at the end of a run.
struct node_result {
  std::string name;
  std::string roles;
  memory mem;
  double cpu_s = 0;
  /// Bytes written over the node's life (written_bytes_of).
  uint64_t written = 0;
  /// In a throughput run, bytes written from the common start date until
  /// the last contract was active (the same two moments as the CPU
  /// shares); 0 in the other runs.
  uint64_t run_written = 0;
  /// In a throughput run, CPU seconds from the common start date until the
  /// last contract was active; 0 in the other runs.
  double run_cpu_s = 0;
  store_totals store;
  /// Steps its CONTRACT actors saw acknowledged
  /// (`onset_step_latency_seconds_count`): 0 but on a contracts node.
  uint64_t steps_acked = 0;
};

/// The onset-fleet process of a throughput run through it.
struct fleet_result {
  bool ran = false;
  /// CPU seconds between the same two moments as `node_result::run_cpu_s`.
  double run_cpu_s = 0;
  /// Bytes it caused to be written to storage between the same moments.
  uint64_t run_written = 0;
  /// Over its life (it is sent nothing before the start date).
  fleet_totals totals;
};

/// Per-step send-to-ack latency over every contracts node, microseconds.
struct latency_result {
  uint64_t steps = 0;
  double p50_us = 0;
  double p99_us = 0;
};

/// Single-printer contracts one after the other on an idle cluster.
struct idle_result {
  int contracts = 0;
  latency_result latency;
  /// Submit to `active`, per contract, median.
  double contract_p50_ms = 0;
};

/// C contracts starting at the same second.
struct throughput_result {
  int devices = 0;
  int contracts = 0;
  uint64_t steps = 0;
  double enroll_s = 0;
  /// From the first submit until the last was accepted.
  double submit_s = 0;
  /// After the common start date.
  double first_active_s = 0;
  double last_active_s = 0;
  /// The machine's CPUs from the common start date (or the first poll
  /// after it) until the poll that saw the last contract active: 50 ms
  /// apart at most.
  cpu_shares cpus;
  latency_result latency;
  std::vector<node_result> nodes;
  fleet_result fleet;

  double steps_per_s() const {
    return last_active_s > 0 ? static_cast<double>(steps) / last_active_s : 0;
  }
  double contracts_per_s() const {
    return last_active_s > 0 ? contracts / last_active_s : 0;
  }
  uint64_t commits() const;
  uint64_t records() const;
  /// Every node's `run_written`.
  uint64_t run_written() const;
  /// Every node's `run_cpu_s`.
  double run_cpu_s() const;
};

struct scale_result {
  int devices = 0;
  double enroll_s = 0;
  /// The devices node after registration, and after `activated` DEVICE
  /// actors were started.
  memory registered;
  int activated = 0;
  double activate_s = 0;
  memory active;
  std::vector<node_result> nodes;
};

idle_result run_idle(const bench_options& o, const std::string& dir);
/// With `through_fleet`, the nodes deliver to an onset-fleet process
/// started under DIR/fleet instead of their embedded simulators.
throughput_result run_throughput(const bench_options& o, const std::string& dir,
                                 bool through_fleet);
scale_result run_scale(const bench_options& o, const std::string& dir);

} // namespace onset::bench
