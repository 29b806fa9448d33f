#include "bench/bench_options.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>

#include "bench/workload.hpp"

namespace onset::bench {

std::string check_options(const bench_options& x) {
  auto at_least = [](const char* name, long long value,
                     long long min) -> std::string {
    if (value >= min)
      return {};
    return std::string{name} + ": must be at least " + std::to_string(min)
           + " (got " + std::to_string(value) + ")";
  };
  for (auto problem :
       {at_least("--devices", x.devices, 1),
        at_least("--contracts", x.contracts, 1),
        at_least("--devices-per-contract", x.devices_per_contract, 1),
        at_least("--services", x.services, 1),
        at_least("--latency-contracts", x.latency_contracts, 0),
        at_least("--lmdb-single", x.lmdb_single, 1),
        at_least("--lmdb-batched", x.lmdb_batched, 1),
        at_least("--scale", x.scale, 0),
        at_least("--enroll-batch", x.enroll_batch, 1),
        at_least("--activate", x.activate, 0),
        at_least("--clients", x.clients, 1),
        at_least("--node-threads", x.node_threads, 1)})
    if (!problem.empty())
      return problem;
  auto services = static_cast<int>(service_order().size());
  if (x.services > services)
    return "--services: at most " + std::to_string(services)
           + " (the catalog has " + std::to_string(services) + " services; got "
           + std::to_string(x.services) + ")";
  auto needed = static_cast<long long>(x.contracts) * x.devices_per_contract;
  if (needed > x.devices)
    return "--contracts x --devices-per-contract: " + std::to_string(needed)
           + " printers needed (" + std::to_string(x.contracts) + " x "
           + std::to_string(x.devices_per_contract) + "), but --devices is "
           + std::to_string(x.devices);
  if (x.activate > x.scale && x.scale > 0)
    return "--activate: at most --scale (" + std::to_string(x.scale) + "; got "
           + std::to_string(x.activate) + ")";
  if (x.cluster != "five" && x.cluster != "two")
    return "--cluster: must be five or two (got " + x.cluster + ")";
  if (x.endpoints != "embedded" && x.endpoints != "fleet")
    return "--endpoints: must be embedded or fleet (got " + x.endpoints + ")";
  if (x.endpoints == "fleet" && x.scale > 0)
    return "--endpoints: fleet runs the throughput run, not --scale";
  if (x.endpoint_batch > 256)
    return "--endpoint-batch: at most 256 (got "
           + std::to_string(x.endpoint_batch) + ")";
  if (x.endpoint_connections > 16)
    return "--endpoint-connections: at most 16 (got "
           + std::to_string(x.endpoint_connections) + ")";
  if (!(x.timeout > 0))
    return "--timeout: must be more than 0 seconds";
  return {};
}

std::optional<int> parse_options(int argc, char** argv, bench_options& out) {
  CLI::App app{"onset-bench: end-to-end provisioning throughput, latency and "
               "memory of a local cluster of onset-node processes (durable), "
               "against this machine's raw LMDB ceilings. Options after `--` "
               "go to every onset-node."};
  app.add_option("--devices", out.devices, "printers registered (D)")
    ->capture_default_str();
  app
    .add_option("--contracts", out.contracts,
                "contracts submitted, all starting at once (C)")
    ->capture_default_str();
  app
    .add_option("--devices-per-contract", out.devices_per_contract,
                "printers per contract; C x this must not exceed D")
    ->capture_default_str();
  app
    .add_option("--services", out.services,
                "services per contract (S), the first S of: data_backup, "
                "failure_prediction, parts_life_prediction, "
                "consumables_delivery, cloud_doc_backup")
    ->capture_default_str();
  app
    .add_option("--latency-contracts", out.latency_contracts,
                "single-printer contracts run one at a time on an idle "
                "cluster for the one-step latency (0: skip)")
    ->capture_default_str();
  app
    .add_option("--lmdb-single", out.lmdb_single,
                "durable one-record commits for the raw ceiling")
    ->capture_default_str();
  app
    .add_option("--lmdb-batched", out.lmdb_batched,
                "durable 1000-record commits for the raw ceiling")
    ->capture_default_str();
  app
    .add_option("--scale", out.scale,
                "scale run instead: register this many printers on one "
                "devices node")
    ->capture_default_str();
  app
    .add_option("--enroll-batch", out.enroll_batch,
                "printers per enroll request in the scale run")
    ->capture_default_str();
  app
    .add_option("--activate", out.activate,
                "DEVICE actors started in the scale run to measure their "
                "memory")
    ->capture_default_str();
  app
    .add_option("--clients", out.clients,
                "parallel gateway clients (enroll, submit, activate)")
    ->capture_default_str();
  app
    .add_option("--node-threads", out.node_threads,
                "scheduler threads of every onset-node")
    ->capture_default_str();
  app
    .add_option("--cluster", out.cluster,
                "nodes of the idle and throughput runs: five (gateway, two "
                "contracts nodes, two devices nodes) or two (gateway and "
                "contracts, devices and services)")
    ->capture_default_str();
  app
    .add_option("--endpoints", out.endpoints,
                "where the throughput run's nodes deliver: embedded (their "
                "simulator) or fleet (also a second run delivering over HTTP "
                "to an onset-fleet process, compared with the first)")
    ->capture_default_str();
  app
    .add_option("--endpoint-batch", out.endpoint_batch,
                "with --endpoints fleet: the endpoints file's max_batch, "
                "instructions per request (0: its default)")
    ->capture_default_str();
  app
    .add_option("--endpoint-connections", out.endpoint_connections,
                "with --endpoints fleet: the endpoints file's connections "
                "per endpoint and node (0: its default)")
    ->capture_default_str();
  app
    .add_option("--timeout", out.timeout,
                "seconds until every contract must be active")
    ->capture_default_str();
  app.add_option("--dir", out.dir,
                 "directory for the nodes' data and logs (default: fresh, "
                 "under /var/tmp, removed afterwards)");
  app.add_flag("--keep", out.keep, "keep the directory after the run");
  // Everything after `--` is for the nodes; CLI11 sees only what is
  // before, so a stray argument there is refused.
  int own = 1;
  while (own < argc && std::string{argv[own]} != "--")
    ++own;
  for (int i = own + 1; i < argc; ++i)
    out.node_args.emplace_back(argv[i]);
  try {
    app.parse(own, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (auto problem = check_options(out); !problem.empty()) {
    std::fprintf(stderr, "onset-bench: %s\n", problem.c_str());
    return 2;
  }
  return std::nullopt;
}

} // namespace onset::bench
