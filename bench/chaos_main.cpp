// onset-chaos: kills, restarts and freezes the nodes of a local five-node
// cluster at random while it provisions a workload of contracts, then
// proves from the nodes' own stores that nothing was lost, duplicated or
// reordered and that everything settled as the contracts want
// (docs/chaos.md). Exit: 0 every invariant holds; 1 one failed (the
// summary line says which); 2 usage.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <regex>
#include <string>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "bench/chaos_client.hpp"
#include "bench/chaos_fleet.hpp"
#include "bench/chaos_runner.hpp"
#include "bench/chaos_schedule.hpp"
#include "bench/program_path.hpp"
#include "nodes/version.hpp"

namespace {

using namespace onset::bench;

constexpr const char* usage_text
  = R"(onset-chaos [--seed N] [--contracts N] [--kills N] [--pauses N]
            [--faults SPEC] [--settle-timeout S] [--work-dir DIR]
            [--keep] [--schedule-only] [--soak SECONDS]
            [--without MOVES] [--endpoints embedded|fleet]
            [--fleet-faults SPEC]

--seed N           schedule and workload seed (default: from the clock);
                   the same seed gives the same schedule and workload
--contracts N      contracts in the workload, 2 printers each (default 40)
--kills N          at least this many SIGKILLs (default 50)
--pauses N         at least this many SIGSTOP/SIGCONT pauses (default 10)
--faults SPEC      also inject application-level faults on the contracts
                   nodes (onset-node --test-faults, e.g.
                   drop=0.05,duplicate=0.05,delay=0.05)
--settle-timeout S how long the cluster may take to settle (default 180)
--work-dir DIR     where the nodes' data and logs go (default: a new
                   temp dir, removed after a passing run)
--keep             keep the work dir of a passing run
--schedule-only    print the workload and the schedule, run nothing
--version          print the version and the wire and storage formats
--soak SECONDS     repeat runs with seeds N, N+1, ... for SECONDS; stop at
                   the first failing seed
--without MOVES    leave out moves, comma-separated: crash (kills during
                   renewals and cancels), refuse (refused printers),
                   restore (a devices node restored from an older copy)
--endpoints KIND   embedded (default): the nodes' simulator executes the
                   instructions; fleet: the devices and services nodes
                   deliver to an onset-fleet process, which the schedule
                   kills and pauses too, and the audit reads its effect log
--fleet-faults SPEC
                   with --endpoints fleet: the fleet's faults, items of
                   state_only | idempotent | lose_reply=P | fail=P |
                   latency=MS | timeout=MS (the nodes' request timeout)
                   over the default
                   state_only,lose_reply=0.1,fail=0.05,latency=0,timeout=5000

Prints one summary line per run:
  chaos seed=42 kills=57 pauses=12 contracts=40 lost=0 duplicated=0 ...
Exit: 0 every invariant holds; 1 one failed (the line says which); 2 usage.
The node binary: $ONSET_NODE, else this build's onset-node.
)";

struct options {
  long seed = std::time(nullptr) % 100000;
  long contracts = 40;
  long kills = 50;
  long pauses = 10;
  std::string faults;
  long settle_timeout = 180;
  std::string work_dir;
  bool keep = false;
  bool schedule_only = false;
  long soak = 0;
  std::string without;
  bool crash = true;
  bool refuse = true;
  bool restore = true;
  std::string endpoints = "embedded";
  std::string fleet_faults_spec;
  fleet_faults fleet;
};

[[noreturn]] void bad(const std::string& what) {
  std::cerr << "onset-chaos: " << what << "\nonset-chaos: see --help\n";
  std::exit(2);
}

bool is_count(const std::string& x) {
  if (x.empty() || x.size() > 6)
    return false;
  for (char c : x)
    if (c < '0' || c > '9')
      return false;
  return true;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    std::string opt = argv[i];
    if (opt == "-h" || opt == "--help") {
      std::cerr << usage_text;
      std::exit(2);
    }
    if (opt == "--version") {
      std::cout << onset::nodes::version_line("onset-chaos") << '\n';
      std::exit(0);
    }
    if (opt == "--keep") {
      o.keep = true;
      continue;
    }
    if (opt == "--schedule-only") {
      o.schedule_only = true;
      continue;
    }
    long* count = opt == "--seed"             ? &o.seed
                  : opt == "--contracts"      ? &o.contracts
                  : opt == "--kills"          ? &o.kills
                  : opt == "--pauses"         ? &o.pauses
                  : opt == "--settle-timeout" ? &o.settle_timeout
                  : opt == "--soak"           ? &o.soak
                                              : nullptr;
    if (count == nullptr && opt != "--faults" && opt != "--work-dir"
        && opt != "--without" && opt != "--endpoints"
        && opt != "--fleet-faults")
      bad("unknown option '" + opt + "'");
    if (i + 1 >= argc)
      bad(opt + " needs a value");
    std::string val = argv[++i];
    if (opt == "--faults") {
      o.faults = val;
    } else if (opt == "--work-dir") {
      o.work_dir = val;
    } else if (opt == "--without") {
      o.without = val;
    } else if (opt == "--endpoints") {
      o.endpoints = val;
    } else if (opt == "--fleet-faults") {
      o.fleet_faults_spec = val;
    } else {
      if (!is_count(val))
        bad(opt + ": '" + val + "' is not a whole number");
      *count = std::stol(val);
    }
  }
  if (o.contracts < 1 || o.contracts > 2000)
    bad("--contracts: " + std::to_string(o.contracts) + " is not in 1..2000");
  if (o.kills > 10000)
    bad("--kills: " + std::to_string(o.kills) + " is more than 10000");
  if (o.pauses > 10000)
    bad("--pauses: " + std::to_string(o.pauses) + " is more than 10000");
  if (o.settle_timeout < 1)
    bad("--settle-timeout must be at least 1");
  static const std::regex moves{
    "^(crash|refuse|restore)(,(crash|refuse|restore))*$"};
  if (!std::regex_match(o.without, moves) && !o.without.empty())
    bad("--without: '" + o.without
        + "' is not a list of crash, refuse, restore");
  o.crash = o.without.find("crash") == std::string::npos;
  o.refuse = o.without.find("refuse") == std::string::npos;
  o.restore = o.without.find("restore") == std::string::npos;
  if (o.endpoints != "embedded" && o.endpoints != "fleet")
    bad("--endpoints: '" + o.endpoints + "' is not embedded or fleet");
  if (!o.fleet_faults_spec.empty() && o.endpoints != "fleet")
    bad("--fleet-faults: only with --endpoints fleet");
  if (!o.fleet_faults_spec.empty())
    if (auto problem = parse_fleet_faults(o.fleet_faults_spec, o.fleet))
      bad("--fleet-faults: " + *problem);
  static const std::regex spec{"^[a-z_]+=[0-9.]+(,[a-z_]+=[0-9.]+)*$"};
  if (!o.faults.empty() && !std::regex_match(o.faults, spec))
    bad("--faults: '" + o.faults + "' is not NAME=VALUE,...");
  return o;
}

std::string node_binary() {
  return program_path("ONSET_NODE", "onset-node", ONSET_NODE_BINARY);
}

/// The options other than the seed, as a command line would give them.
std::string sizes_args(const options& o) {
  auto result = "--contracts " + std::to_string(o.contracts) + " --kills "
                + std::to_string(o.kills) + " --pauses "
                + std::to_string(o.pauses);
  if (!o.faults.empty())
    result += " --faults " + o.faults;
  if (!o.without.empty())
    result += " --without " + o.without;
  if (o.endpoints == "fleet")
    result += " --endpoints fleet --fleet-faults " + to_string(o.fleet);
  return result;
}

chaos_sizes sizes_of(const options& o) {
  chaos_sizes sizes;
  sizes.contracts = static_cast<int>(o.contracts);
  sizes.kills = static_cast<int>(o.kills);
  sizes.pauses = static_cast<int>(o.pauses);
  sizes.crash = o.crash;
  sizes.refuse = o.refuse;
  sizes.restore = o.restore;
  sizes.fleet = o.endpoints == "fleet";
  return sizes;
}

int run_one(const options& o, long seed, chaos_client& client,
            const std::string& self) {
  auto plan = make_chaos_plan(static_cast<uint32_t>(seed), sizes_of(o));
  print_plan(std::cout, plan, o.faults);
  std::cout.flush();
  chaos_run_options r;
  r.faults = o.faults;
  if (o.endpoints == "fleet")
    r.fleet = o.fleet;
  r.settle_timeout_s = static_cast<int>(o.settle_timeout);
  r.work_dir = o.work_dir;
  r.keep = o.keep;
  r.rerun = self + " --seed " + std::to_string(seed) + " " + sizes_args(o);
  return run_chaos(plan, r, client);
}

} // namespace

int main(int argc, char** argv) {
  auto o = parse(argc, argv);
  std::string self = argv[0];
  if (o.schedule_only) {
    print_plan(std::cout,
               make_chaos_plan(static_cast<uint32_t>(o.seed), sizes_of(o)),
               o.faults);
    return 0;
  }
  if (::access(node_binary().c_str(), X_OK) != 0)
    bad("no onset-node at " + node_binary()
        + " (build first or set ONSET_NODE)");
  if (!o.work_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_empty(o.work_dir, ec) && !ec)
      bad("--work-dir " + o.work_dir + " is not empty");
  }
  // The in-process audit opens the stores, which log at info: only the
  // progress lines and the summary belong on stdout.
  spdlog::set_level(spdlog::level::warn);
  chaos_client client;
  if (o.soak == 0)
    return run_one(o, o.seed, client, self);
  // One run per seed, each a fresh cluster, until the time is up.
  auto end = std::time(nullptr) + o.soak;
  auto seed = o.seed;
  long runs = 0;
  while (std::time(nullptr) < end) {
    auto each = o;
    each.work_dir.clear();
    if (run_one(each, seed, client, self) != 0) {
      std::cout << "chaos soak: seed " << seed << " FAILED after " << runs
                << " passing runs; re-run: " << self << " --seed " << seed
                << ' ' << sizes_args(o) << '\n';
      return 1;
    }
    ++runs;
    ++seed;
  }
  std::cout << "chaos soak: " << runs << " runs passed (seeds " << o.seed
            << ".." << seed - 1 << ") in " << o.soak << "s\n";
  return 0;
}
