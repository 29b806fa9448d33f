// What the probes of the HTTP API (docs/api.md, "Health and readiness")
// ask of their node, without httplib or CAF.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace onset::api {

/// One reason the node is not ready. It names components and nodes only,
/// never customer data: the probes answer without a token.
struct readiness_problem {
  /// `node`, `store`, `catalog`, `peer`.
  std::string component;
  /// The node concerned: this node, or the peer.
  std::string node;
  /// `shutting_down`, `failed`, `not_answering`, `not_loaded`,
  /// `unreachable`.
  std::string reason;
};

/// What keeps the node from being ready now; empty when it is ready. Runs
/// on an API thread and returns within a bounded time (it asks the node's
/// actors with a timeout), at once while the node shuts down.
using readiness_probe = std::function<std::vector<readiness_problem>()>;

} // namespace onset::api
