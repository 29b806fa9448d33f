// The health of a running node: what `/readyz` reports (docs/api.md,
// "Health and readiness") and what the systemd watchdog checks
// (nodes/systemd_notify.hpp). It asks the node's actors from the caller's
// own thread (an API thread, the watchdog's), always with a timeout, and
// never from a CAF scheduler thread.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/fwd.hpp>

#include "actors/protocol.hpp"
#include "config/cluster_file.hpp"
#include "messages/catalog.hpp"
#include "nodes/api/health.hpp"
#include "persistence/store_actor.hpp"

namespace onset::nodes {

/// How long one check waits for an actor's answer.
constexpr std::chrono::milliseconds health_timeout{1000};

class node_health {
public:
  /// `links`: the PEER LINKs of `me`, one per peer it needs, in
  /// cluster-file order (wired_node::links). `store_failed` is set once
  /// the STORE stopped on a fatal error. REQUIRES: `sys` outlives every
  /// check; the actors may stop before (a check then reports them).
  node_health(caf::actor_system& sys, const config::cluster_spec& spec,
              const config::cluster_node& me,
              std::vector<actors::peer_link_actor> links,
              persistence::store_actor store,
              std::shared_ptr<const catalog> cat,
              std::shared_ptr<const std::atomic<bool>> store_failed);

  /// From now on the node is not ready (`node`, `shutting_down`) and no
  /// check asks an actor.
  void shutting_down();

  /// What keeps the node from being ready: shutting down, a STORE that
  /// failed or does not commit an empty round within `health_timeout`, no
  /// catalog, a PEER LINK that is not up. Empty when ready. Returns within
  /// about `health_timeout` (the questions run in parallel).
  std::vector<api::readiness_problem> not_ready() const;

  /// Whether the STORE commits an empty round within `health_timeout`: the
  /// node's writer works (the watchdog's test of liveness).
  bool store_answers() const;

private:
  struct peer {
    std::string name;
    actors::peer_link_actor link;
  };

  caf::actor_system& sys_;
  std::string name_;
  std::vector<peer> peers_;
  persistence::store_actor store_;
  std::shared_ptr<const catalog> cat_;
  std::shared_ptr<const std::atomic<bool>> store_failed_;
  std::atomic<bool> stopping_{false};
};

} // namespace onset::nodes
