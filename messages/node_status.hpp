// What `onset cluster` shows of one node: its name, address and roles,
// whether it answers, how many contracts and printers it holds, and whether
// it reaches its own peers. A wire type (listed in type_ids.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

namespace onset {
inline namespace messages {

struct node_status {
  std::string name;
  /// The node's cluster address, `host:port`.
  std::string address;
  /// `gateway`, `contracts`, `devices`, `services`, as the cluster file says.
  std::vector<std::string> roles;
  /// False when the node could not be asked; the counts are then 0.
  bool reachable = false;
  /// Contracts in the node's contract store (any state).
  uint64_t contracts = 0;
  /// Printers registered in the node's device store.
  uint64_t devices = 0;
  /// The nodes this node connects to (docs/cluster.md), and how many of
  /// them it reaches now.
  uint32_t peers = 0;
  uint32_t peers_up = 0;
};

inline bool operator==(const node_status& x, const node_status& y) {
  return x.name == y.name && x.address == y.address && x.roles == y.roles
         && x.reachable == y.reachable && x.contracts == y.contracts
         && x.devices == y.devices && x.peers == y.peers
         && x.peers_up == y.peers_up;
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_status& x) {
  return f(caf::meta::type_name("node_status"), x.name, x.address, x.roles,
           x.reachable, x.contracts, x.devices, x.peers, x.peers_up);
}

} // namespace messages
} // namespace onset
