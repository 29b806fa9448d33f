// A cluster of onset-node processes on loopback for one benchmark run,
// started and stopped through scripts/local-cluster.sh (docs/cluster.md):
// writes the cluster file with free ports, waits until every node is up and
// connected, and reads each node's PID and log. No CAF.
#pragma once

#include <string>
#include <vector>

#include "nodes/cli/endpoint.hpp"

namespace onset::bench {

struct node_spec {
  std::string name;
  /// As the cluster file spells them: "gateway", "contracts", ...
  std::vector<std::string> roles;
};

/// The five nodes of tests/cluster/five_nodes_test.sh: a gateway, two
/// contracts nodes, two devices nodes (services on the first).
std::vector<node_spec> five_nodes();

/// A gateway and contracts node and one devices (and services) node.
std::vector<node_spec> two_nodes();

class local_cluster {
public:
  /// Starts `nodes` under `dir` (data in DIR/NODE, log in DIR/NODE.log),
  /// each with `node_args`; throws std::runtime_error if one does not come
  /// up or the nodes do not connect within 30 s.
  local_cluster(std::string dir, std::vector<node_spec> nodes,
                std::vector<std::string> node_args);

  /// Stops every node still running (SIGTERM, then SIGKILL after 15 s).
  ~local_cluster();

  local_cluster(const local_cluster&) = delete;
  local_cluster& operator=(const local_cluster&) = delete;

  /// Stops every node cleanly; their logs then hold their final totals.
  void stop();

  const cli::endpoint& gateway() const {
    return gateway_;
  }
  const std::vector<node_spec>& nodes() const {
    return nodes_;
  }
  int pid(const std::string& node) const;
  std::string log_path(const std::string& node) const;

private:
  /// Returns once every node is reachable and reaches its peers; throws
  /// std::runtime_error after 30 s.
  void await_connected();

  std::string dir_;
  std::vector<node_spec> nodes_;
  cli::endpoint gateway_;
  bool running_ = false;
};

} // namespace onset::bench
