// Where an id lives in a cluster: contracts over the `contracts` nodes,
// printers over the `devices` nodes, services over the `services` nodes.
//
// The hash is 64-bit FNV-1a of the id's bytes (offset basis
// 14695981039346656037, prime 1099511628211), taken modulo the number of
// nodes holding the role, which are counted in cluster-file order. It depends
// on nothing but the id and that list, so every process and every build
// agrees on it. Adding, removing or reordering the nodes of a role moves ids
// to other nodes; Onset does not migrate their data (docs/cluster.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace onset::config {

/// 64-bit FNV-1a of `bytes`.
uint64_t fnv1a(std::string_view bytes);

/// The index, in [0, count), of the node that owns `id`.
/// REQUIRES: count > 0.
size_t owner_index(std::string_view id, size_t count);

} // namespace onset::config
