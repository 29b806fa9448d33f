// The nodes that hold one role, as a ROUTER sees them: their names in
// cluster-file order (placement depends on it), which one is this node, and
// the current handle of each one's supervisor. A remote node's handle is
// invalid while it is unreachable; its PEER LINK sets it when it is back.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "config/placement.hpp"
#include "messages/error_code.hpp"

namespace onset::cluster {

template <class Handle>
class owner_table {
public:
  owner_table() = default;

  /// `local` is this node's supervisor if `local_name` is one of `names`
  /// (ignored otherwise). REQUIRES: `names` is not empty.
  owner_table(std::vector<std::string> names, const std::string& local_name,
              Handle local)
    : names_(std::move(names)), handles_(names_.size()) {
    for (size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == local_name) {
        local_ = i;
        handles_[i] = std::move(local);
      }
  }

  size_t size() const noexcept {
    return names_.size();
  }

  /// The owner of `id` (config/placement.hpp).
  size_t owner_of(std::string_view id) const {
    return config::owner_index(id, names_.size());
  }

  const std::string& name(size_t i) const {
    return names_[i];
  }

  bool is_local(size_t i) const noexcept {
    return i == local_;
  }

  /// The handle of owner `i`, or `unreachable` naming the node.
  caf::expected<Handle> handle(size_t i) const {
    if (handles_[i])
      return handles_[i];
    return caf::make_error(error_code::unreachable,
                           "node " + names_[i] + " is unreachable");
  }

  /// Sets the handle of remote node `name` (invalid: unreachable). Returns
  /// its position, or none if `name` holds no such role here or is this node.
  std::optional<size_t> set(const std::string& name, Handle x) {
    for (size_t i = 0; i < names_.size(); ++i)
      if (names_[i] == name && i != local_) {
        handles_[i] = std::move(x);
        return i;
      }
    return std::nullopt;
  }

private:
  std::vector<std::string> names_;
  std::vector<Handle> handles_;
  size_t local_ = static_cast<size_t>(-1);
};

} // namespace onset::cluster
