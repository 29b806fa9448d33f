// PEER LINK (actors/protocol.hpp, peer_link_actor): this node's connection to
// one remote node of the cluster.
//
//   connecting --directory and supervisors fetched--> up
//   connecting --connect or fetch failed--> connecting (after a backoff)
//   connecting --another wire version--> connecting (refused, after a backoff)
//   up --down_msg of any remote actor it monitors--> connecting (at once)
//
// Its first question to the peer's NODE DIRECTORY is the wire version
// (messages/versions.hpp), before the directory's interface is checked:
// a peer of another version is refused with `peer.version_refused` and a
// reason for /readyz naming both versions, and retried like an unreachable
// one (it may be upgraded).
//
// It connects asynchronously through the middleman actor (the OpenSSL
// module's for a TLS cluster; never the blocking remote_actor()), checks that a
// NODE DIRECTORY is published there, asks it for the supervisors this node
// needs (by role: a restarted peer is a new CAF node, so handles are always
// fetched again), and monitors all of them. On up it gives the handles to the
// ROUTERs and tells the local CONTRACT SUPERVISOR to resend; on down it gives
// the ROUTERs invalid handles (they then refuse at once with `unreachable`) and
// reconnects with capped exponential backoff. Every request it makes carries a
// timeout.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/protocol.hpp"
#include "config/cluster_file.hpp"
#include "messages/metrics/metrics.hpp"
#include "messages/node_status.hpp"

namespace onset::cluster {

struct peer_link_config {
  using duration = std::chrono::nanoseconds;

  /// The remote node.
  config::cluster_node peer;
  /// Connect through CAF's OpenSSL module (mutual TLS with the cluster's
  /// certificates, configured in the actor system) rather than plain BASP.
  bool tls = false;
  /// The wire version this node speaks (onset::wire_version but in
  /// tests); a peer answering another one is refused.
  uint32_t wire_version = 0;
  /// How long one connect attempt may take (a frozen peer accepts TCP but
  /// never completes the handshake).
  duration connect_timeout = std::chrono::seconds{3};
  /// How long a question to the peer's NODE DIRECTORY may take.
  duration request_timeout = std::chrono::seconds{5};
  /// Delay before the first reconnect; doubled per failed attempt up to
  /// `retry_cap`.
  duration retry_base = std::chrono::milliseconds{100};
  duration retry_cap = std::chrono::seconds{1};
  /// Where the link says whether it is up (`onset_peer_up`); none: nowhere.
  std::shared_ptr<metrics::node_metrics> metrics;
};

/// Who hears about the peer's supervisors. Invalid handles are skipped; a
/// ROUTER is told only if the peer holds its role.
struct peer_subscribers {
  actors::device_router_actor devices;
  actors::contract_router_actor contracts;
  actors::service_router_actor services;
  /// Told `resend` each time the peer comes up.
  actors::contract_supervisor_actor resend_to;
};

struct peer_link_state {
  static inline const char* name = "peer-link";

  peer_link_config cfg;
  peer_subscribers subs;
  bool up = false;
  actors::node_directory_actor directory;
  actors::device_supervisor_actor devices;
  actors::contract_supervisor_actor contracts;
  actors::service_supervisor_actor services;
  /// The remote actors monitored in the current attempt.
  std::vector<caf::actor_addr> watched;
  /// Bumped per connect attempt and per failure; answers and timers of
  /// older attempts are ignored.
  uint64_t generation = 0;
  /// Failed attempts since the last up (for the backoff).
  unsigned failures = 0;
  /// Why the last attempt refused the peer (another wire version); empty
  /// after any other failure and once up.
  std::string refusal;
};

actors::peer_link_actor::behavior_type
peer_link(actors::peer_link_actor::stateful_pointer<peer_link_state> self,
          peer_link_config cfg, peer_subscribers subs);

} // namespace onset::cluster
