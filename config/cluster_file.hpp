// The cluster file (format in docs/cluster.md): every node of a cluster, its
// address, its roles, and the BASP heartbeat settings that every node must
// share. Parsed and checked here, once, before any actor starts; a bad file is
// refused as a whole, naming the field. No CAF here.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/outcome.hpp"

namespace onset::config {

/// What a node does. A node may hold several roles; every role must be held
/// by at least one node.
enum class node_role : uint8_t { gateway, contracts, devices, services };

/// `gateway`, `contracts`, `devices`, `services`.
std::string_view to_string(node_role x);

struct cluster_node {
  /// Unique in the file; `[A-Za-z0-9._-]+` (it names systemd units and files).
  std::string name;
  std::string host;
  /// Where the node publishes its NODE DIRECTORY (peers connect here).
  uint16_t port = 0;
  /// Where the GATEWAY listens (operators and contract systems connect
  /// here). Set exactly for the nodes holding the `gateway` role.
  uint16_t gateway_port = 0;
  /// In the order the file lists them, without duplicates.
  std::vector<node_role> roles;

  bool has(node_role x) const;

  /// `host:port`.
  std::string address() const;
};

/// Mutual TLS between the nodes (docs/cluster.md, "Certificates"): one
/// directory holds the cluster's CA certificate and every node's
/// certificate and key, by name.
struct cluster_tls {
  /// As the file spells it until `load_cluster_file` makes a relative one
  /// relative to the cluster file's directory.
  std::string dir;
};

/// The files node NAME uses: DIR/ca.pem, DIR/NAME.pem, DIR/NAME.key (PEM).
struct node_tls_files {
  std::string ca;
  std::string cert;
  std::string key;
};

struct cluster_spec {
  using duration = std::chrono::milliseconds;

  /// BASP heartbeats: every node sends one this often, and drops a
  /// connection silent for `heartbeat_timeout`. A frozen peer is noticed
  /// within about interval + timeout.
  duration heartbeat_interval{500};
  duration heartbeat_timeout{3000};
  /// In file order. Placement (config/placement.hpp) depends on this order.
  std::vector<cluster_node> nodes;
  /// Set unless the file says `"insecure": true` (plain BASP, for tests).
  std::optional<cluster_tls> tls;

  /// The node named `name`; nullptr if there is none.
  const cluster_node* find(std::string_view name) const;

  /// The names of the nodes holding `x`, in file order.
  std::vector<std::string> holders(node_role x) const;

  /// The certificate files of `node`.
  /// REQUIRES: `tls` is set.
  node_tls_files tls_files(const cluster_node& node) const;
};

/// Parses and checks cluster file text. Refusals name the field
/// (`nodes[2].roles[0]`): not JSON, unknown fields, a missing or ill-typed
/// field, an unknown role, a bad port, a duplicate node name or address, a
/// role no node holds, heartbeat settings out of range, neither `tls` nor
/// `"insecure": true` (or both).
outcome<cluster_spec> parse_cluster(std::string_view text);

/// Reads `file` and parses it; the refusal's field is `FILE: FIELD`. A
/// relative `tls.dir` is taken relative to the directory of `file`.
outcome<cluster_spec> load_cluster_file(const std::string& file);

} // namespace onset::config
