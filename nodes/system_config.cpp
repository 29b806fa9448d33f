#include "nodes/system_config.hpp"

#include <chrono>

#include <caf/io/middleman.hpp>

#include "actors/onset_types.hpp"

namespace onset::nodes {

system_config::system_config() {
  load<caf::io::middleman>();
  // A cluster node drops every connection that stays silent longer than its
  // heartbeat timeout (at least 1 s, docs/cluster.md), clients included: a
  // CLI waiting for a long answer would lose it. Cluster nodes override this
  // with the cluster file's interval.
  set("middleman.heartbeat-interval",
      caf::timespan{std::chrono::milliseconds{250}});
  actors::add_onset_types(*this);
}

} // namespace onset::nodes
