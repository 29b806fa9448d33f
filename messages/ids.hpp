// Strong identifier types: a device_id cannot be passed where a contract_id is
// expected, although both are strings on the wire and on disk.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <utility>

#include <caf/meta/type_name.hpp>

namespace onset {
inline namespace messages {

/// A non-owning-tag wrapper around a string id. `Tag` supplies the type name
/// used on the wire (`Tag::name`).
template <class Tag>
class strong_id {
public:
  strong_id() = default;

  explicit strong_id(std::string value) : value_(std::move(value)) {
  }

  const std::string& str() const noexcept {
    return value_;
  }

  bool empty() const noexcept {
    return value_.empty();
  }

  friend bool operator==(const strong_id& x, const strong_id& y) {
    return x.value_ == y.value_;
  }

  friend bool operator!=(const strong_id& x, const strong_id& y) {
    return x.value_ != y.value_;
  }

  friend bool operator<(const strong_id& x, const strong_id& y) {
    return x.value_ < y.value_;
  }

  friend std::ostream& operator<<(std::ostream& out, const strong_id& x) {
    return out << x.value_;
  }

  /// Mutable access for serializers (CAF inspectors, Boost archives).
  std::string& mutable_str() noexcept {
    return value_;
  }

private:
  std::string value_;
};

struct contract_tag {
  static constexpr const char* name = "contract_id";
};
struct device_tag {
  static constexpr const char* name = "device_id";
};
struct customer_tag {
  static constexpr const char* name = "customer_id";
};
struct service_tag {
  static constexpr const char* name = "service_id";
};

using contract_id = strong_id<contract_tag>;
using device_id = strong_id<device_tag>;
using customer_id = strong_id<customer_tag>;
using service_id = strong_id<service_tag>;

template <class Inspector, class Tag>
typename Inspector::result_type inspect(Inspector& f, strong_id<Tag>& x) {
  return f(caf::meta::type_name(Tag::name), x.mutable_str());
}

} // namespace messages
} // namespace onset

namespace std {

template <class Tag>
struct hash<onset::strong_id<Tag>> {
  size_t operator()(const onset::strong_id<Tag>& x) const noexcept {
    return hash<string>{}(x.str());
  }
};

} // namespace std
