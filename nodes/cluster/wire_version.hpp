// The version of what Onset nodes say to each other (the actor interfaces
// and the types that cross a node boundary). Bumped whenever either changes
// incompatibly: nodes of different wire versions refuse each other on
// connect (nodes/cluster/peer_link.hpp), naming both versions.
#pragma once

#include <cstdint>

namespace onset::cluster {

inline constexpr uint32_t wire_version = 1;

} // namespace onset::cluster
