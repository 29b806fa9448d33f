// A cluster of onset-node processes on loopback, started by this process
// (fork and exec, each node's output appended to its log file): writes the
// cluster file with free ports, starts the nodes, and kills, freezes,
// resumes, restarts and stops them. Used by onset-bench and onset-chaos.
// The nodes talk mutual TLS with certificates made for them in DIR/certs by
// scripts/cluster-certs.sh ($ONSET_CLUSTER_CERTS overrides its path).
// Every node serves HTTP (`--http-port 0`: the gateway node its API, the
// others the probes). A node counts as up once every port it listens on
// accepts a connection and it answers GET /healthz; the cluster once every
// running node answers GET /readyz with 200 (docs/api.md). No CAF in this
// header.
#pragma once

#include <chrono>
#include <map>
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

/// Starts `argv` (argv[0] a path) with stdin from /dev/null and stdout and
/// stderr appended to `log`, killed when this process dies; returns its
/// PID. Throws std::runtime_error if `log` cannot be written or fork fails.
int start_logged(const std::vector<std::string>& argv, const std::string& log);

/// The first of `n` consecutive free loopback ports between 20000 and the
/// kernel's ephemeral range, which hands ports to outgoing connections at
/// any moment (a port found free there can be taken before the node binds
/// it, or while a killed process is down); below it only a listener holds a
/// port, which the probe sees. The slot tried first derives from this
/// process's PID, so that tests running in parallel pick different ones.
/// $ONSET_PORT_RANGE=LOW-HIGH (at least 100 ports, above 1023) replaces
/// that range: tests that kill nodes take disjoint ranges, so that one
/// never probes free a port of another's killed node. Throws std::runtime_error
/// if none is found.
uint16_t free_ports(int n);

/// Reaps `pid` if it exited; returns whether it did (or is no child).
bool reaped(int pid);

/// SIGCONT and SIGTERM to `pid`, then waits for it until `deadline`, then
/// SIGKILLs and reaps it.
void stop_process(int pid, std::chrono::steady_clock::time_point deadline);

struct cluster_settings {
  /// Options every node gets after --cluster, --node and --data-dir.
  std::vector<std::string> node_args;
  /// Options only the named node gets, after `node_args`.
  std::map<std::string, std::vector<std::string>> extra_args;
  /// The cluster file's heartbeat settings.
  int heartbeat_interval_ms = 500;
  int heartbeat_timeout_ms = 3000;
  /// How long a node may take to listen, and the cluster to connect.
  std::chrono::seconds ready_timeout{30};
};

class local_cluster {
public:
  /// Starts `nodes` under DIR/run (data in DIR/run/NODE, log appended to
  /// DIR/run/NODE.log) and waits until they are connected; throws
  /// std::runtime_error (stopping what did start) if one does not come up
  /// or they do not connect within `settings.ready_timeout`. The binary is
  /// $ONSET_NODE if set, else this build's onset-node.
  local_cluster(std::string dir, std::vector<node_spec> nodes,
                cluster_settings settings);

  local_cluster(std::string dir, std::vector<node_spec> nodes,
                std::vector<std::string> node_args);

  /// Stops every node still running (see stop()).
  ~local_cluster();

  local_cluster(const local_cluster&) = delete;
  local_cluster& operator=(const local_cluster&) = delete;

  /// Stops every node cleanly (SIGCONT, SIGTERM, SIGKILL after 15 s); their
  /// logs then hold their final totals.
  void stop();

  /// SIGKILLs `node` and reaps it. Nothing happens if it does not run.
  void kill(const std::string& node);

  /// SIGSTOP and SIGCONT.
  void pause(const std::string& node);
  void resume(const std::string& node);

  /// Starts a stopped or killed node again with the same command line and
  /// waits until it listens and answers /healthz; throws std::runtime_error
  /// if it exits or does not in time.
  void restart(const std::string& node);

  /// Whether `node` was started and has not been stopped or killed.
  bool running(const std::string& node) const;

  /// Returns once every running node answers GET /readyz with 200 (it
  /// reaches its peers, its STORE commits); throws std::runtime_error,
  /// naming each node not ready and why, after `settings.ready_timeout`.
  void await_connected();

  const cli::endpoint& gateway() const {
    return gateway_;
  }
  const std::vector<node_spec>& nodes() const {
    return nodes_;
  }
  /// The text of `node`'s GET /metrics (docs/operations.md); throws
  /// std::runtime_error if it does not answer 200.
  std::string metrics_of(const std::string& node) const;

  /// 0 if the node does not run.
  int pid(const std::string& node) const;
  std::string log_path(const std::string& node) const;
  std::string data_dir(const std::string& node) const;

private:
  struct process {
    std::vector<std::string> argv;
    std::vector<uint16_t> ports;
    int pid = 0;
  };

  void launch(const std::string& node);
  /// Runs the certificates script for every node into `certs`; throws
  /// std::runtime_error if it fails.
  void make_certs(const std::string& certs) const;
  process& at(const std::string& node);
  const process& at(const std::string& node) const;

  std::string run_dir_;
  std::vector<node_spec> nodes_;
  cluster_settings settings_;
  std::map<std::string, process> processes_;
  cli::endpoint gateway_;
};

} // namespace onset::bench
