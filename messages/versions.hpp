// The version of the protocol between nodes. Nodes of different wire
// versions cannot talk; they exchange it on connect and refuse a mismatch.
#pragma once

#include <cstdint>

namespace onset {

/// The wire version: raise it with every change of a message exchanged
/// between nodes (messages/type_ids.hpp and the types it names).
constexpr uint32_t wire_version = 1;

} // namespace onset
