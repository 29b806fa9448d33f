// The result of checking operator input: a value, or the first problem found,
// naming the field (a JSON path such as `services.data_backup.backup_format`)
// and the reason.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace onset {
inline namespace messages {

/// What is wrong with a piece of input, and where.
struct invalid_input {
  std::string field;
  std::string reason;

  /// "field: reason", the form shown to operators.
  std::string to_string() const {
    return field.empty() ? reason : field + ": " + reason;
  }

  friend bool operator==(const invalid_input& x, const invalid_input& y) {
    return x.field == y.field && x.reason == y.reason;
  }
};

/// Either a checked `T` or the `invalid_input` that refused it.
template <class T>
class outcome {
public:
  outcome(T value) : state_(std::move(value)) {
  }

  outcome(invalid_input problem) : state_(std::move(problem)) {
  }

  explicit operator bool() const noexcept {
    return state_.index() == 0;
  }

  /// REQUIRES: `*this` holds a value.
  T& value() & {
    return std::get<0>(state_);
  }

  const T& value() const& {
    return std::get<0>(state_);
  }

  T&& value() && {
    return std::get<0>(std::move(state_));
  }

  /// REQUIRES: `*this` holds a problem.
  const invalid_input& error() const {
    return std::get<1>(state_);
  }

private:
  std::variant<T, invalid_input> state_;
};

} // namespace messages
} // namespace onset
