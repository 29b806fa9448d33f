// What onset-bench is told on its command line, with defaults that make a
// run with no arguments take about a minute on the 2-core development
// machine, and the checks that refuse bad input naming the option. No CAF.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace onset::bench {

struct bench_options {
  /// Throughput run: printers registered, contracts, printers per
  /// contract, services per contract (the first S of the catalog).
  int devices = 2000;
  int contracts = 1000;
  int devices_per_contract = 2;
  int services = 2;
  /// Latency run: single-printer contracts submitted one after the other,
  /// each waiting for the previous to be active, on an idle cluster.
  int latency_contracts = 20;
  /// Raw LMDB ceilings: durable commits of one record, and commits of
  /// 1000 records.
  int lmdb_single = 1000;
  int lmdb_batched = 200;
  /// Scale run instead of the throughput run: this many printers on one
  /// devices node (0: no scale run), registered `enroll_batch` at a time;
  /// then `activate` DEVICE actors started to measure their memory.
  int scale = 0;
  int enroll_batch = 10000;
  int activate = 10000;
  /// Parallel gateway clients for enrolls, submits and activations.
  int clients = 4;
  /// Scheduler threads of every node.
  unsigned node_threads = 2;
  /// The cluster of the idle and throughput runs: "five" (a gateway, two
  /// contracts nodes, two devices nodes) or "two" (gateway and contracts
  /// on one node, devices and services on the other). The scale run always
  /// uses "two".
  std::string cluster = "five";
  /// Where the throughput run's nodes deliver instructions: "embedded"
  /// (each node's simulator) or "fleet" (the same run a second time with
  /// every node delivering over HTTP to one onset-fleet process, after the
  /// embedded one, to compare the two).
  std::string endpoints = "embedded";
  /// With `endpoints` fleet: the endpoints file's `max_batch` and
  /// `connections` (0: its defaults).
  size_t endpoint_batch = 0;
  size_t endpoint_connections = 0;
  /// Seconds until every contract must be active, or the run fails.
  double timeout = 300;
  /// Where the nodes' data and logs go (default: a fresh directory under
  /// /var/tmp, removed after the run unless `keep`).
  std::string dir;
  bool keep = false;
  /// Further options for every onset-node (after `--`).
  std::vector<std::string> node_args;
};

/// Parses the command line; on bad input prints the reason (naming the
/// option) or the help and returns the exit code to end with.
std::optional<int> parse_options(int argc, char** argv, bench_options& out);

/// Why `x` cannot run, naming the option; empty when it can.
std::string check_options(const bench_options& x);

} // namespace onset::bench
