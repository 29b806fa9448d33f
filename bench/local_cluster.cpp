#include "bench/local_cluster.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "nodes/cli/cluster_client.hpp"

namespace onset::bench {

namespace {

/// `x` in single quotes for sh.
std::string quoted(const std::string& x) {
  std::string result = "'";
  for (char c : x)
    result += c == '\'' ? std::string{"'\\''"} : std::string(1, c);
  return result + "'";
}

/// $ONSET_NODE if set (to compare builds), else this build's onset-node.
std::string node_binary() {
  auto* chosen = std::getenv("ONSET_NODE");
  return chosen != nullptr && *chosen != '\0' ? chosen : ONSET_NODE_BINARY;
}

std::string script() {
  return std::string{ONSET_SOURCE_DIR} + "/scripts/local-cluster.sh";
}

void run(const std::string& command) {
  if (std::system(command.c_str()) != 0)
    throw std::runtime_error("failed: " + command);
}

/// The first of `n` consecutive free loopback ports, as
/// `local-cluster.sh free-ports` picks them for every cluster test.
int free_ports(int n) {
  auto command = quoted(script()) + " free-ports " + std::to_string(n);
  std::unique_ptr<FILE, int (*)(FILE*)> out{::popen(command.c_str(), "r"),
                                            ::pclose};
  int base = 0;
  if (!out || std::fscanf(out.get(), "%d", &base) != 1 || base <= 0)
    throw std::runtime_error("failed: " + command);
  return base;
}

} // namespace

std::vector<node_spec> five_nodes() {
  return {{"gw", {"gateway"}},
          {"c1", {"contracts"}},
          {"c2", {"contracts"}},
          {"d1", {"devices", "services"}},
          {"d2", {"devices"}}};
}

std::vector<node_spec> two_nodes() {
  return {{"gw", {"gateway", "contracts"}}, {"d1", {"devices", "services"}}};
}

local_cluster::local_cluster(std::string dir, std::vector<node_spec> nodes,
                             std::vector<std::string> node_args)
  : dir_(std::move(dir)), nodes_(std::move(nodes)) {
  auto n = static_cast<int>(nodes_.size());
  int base = free_ports(n + 1);
  gateway_ = cli::endpoint{"127.0.0.1", static_cast<uint16_t>(base + n)};
  auto file = dir_ + "/cluster.json";
  {
    std::ofstream out{file};
    out << "{ \"heartbeat_interval_ms\": 500, \"heartbeat_timeout_ms\": 3000,"
           "\n  \"nodes\": [\n";
    for (int i = 0; i < n; ++i) {
      auto& x = nodes_[static_cast<size_t>(i)];
      out << "    {\"name\": \"" << x.name
          << "\", \"host\": \"127.0.0.1\", \"port\": " << base + i;
      bool gw = false;
      out << ", \"roles\": [";
      for (size_t r = 0; r < x.roles.size(); ++r) {
        out << (r ? ", " : "") << '"' << x.roles[r] << '"';
        gw = gw || x.roles[r] == "gateway";
      }
      out << "]";
      if (gw)
        out << ", \"gateway_port\": " << gateway_.port;
      out << "}" << (i + 1 < n ? "," : "") << "\n";
    }
    out << "  ] }\n";
  }
  auto command = "ONSET_NODE=" + quoted(node_binary()) + " " + quoted(script())
                 + " start " + quoted(dir_ + "/run") + " " + quoted(file)
                 + " --";
  for (auto& x : node_args)
    command += " " + quoted(x);
  command += " >/dev/null";
  running_ = true;
  // A constructor that throws runs no destructor: stop whatever did start
  // (local-cluster.sh leaves the nodes it started when a later one fails).
  try {
    run(command);
    await_connected();
  } catch (...) {
    try {
      stop();
    } catch (const std::exception&) {
      // The first failure is the one to report.
    }
    throw;
  }
}

void local_cluster::await_connected() {
  // Connected when every node answers and reaches every node it needs.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  for (;;) {
    auto nodes = cli::fetch_cluster_status(gateway_,
                                           std::chrono::milliseconds{2000});
    bool all = false;
    if (nodes) {
      all = true;
      for (auto& x : nodes.value())
        all = all && x.reachable && x.peers_up == x.peers;
    }
    if (all)
      return;
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error(
        "the nodes did not connect within 30 s (logs: " + dir_ + "/run)");
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
}

local_cluster::~local_cluster() {
  try {
    stop();
  } catch (const std::exception&) {
    // Already reported by stop()'s caller, or nothing more can be done.
  }
}

void local_cluster::stop() {
  if (!running_)
    return;
  running_ = false;
  run(quoted(script()) + " stop " + quoted(dir_ + "/run") + " >/dev/null");
}

int local_cluster::pid(const std::string& node) const {
  std::ifstream in{dir_ + "/run/" + node + ".pid"};
  int result = 0;
  in >> result;
  return result;
}

std::string local_cluster::log_path(const std::string& node) const {
  return dir_ + "/run/" + node + ".log";
}

} // namespace onset::bench
