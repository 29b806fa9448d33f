// Outcomes of storage operations, without CAF: a `status` (ok, or a
// `failure`) and a `result<T>` (a value, or a `failure`). The failure carries
// an `onset::error_code` from the project's one catalogue of errors.
// persistence/caf_error.hpp turns one into a `caf::error` where it crosses
// an actor boundary (`to_error`).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace onset {
inline namespace messages {

// Declared opaque so that store headers stay free of CAF; include
// "messages/error_code.hpp" for the enumerators.
enum class error_code : uint8_t;

} // namespace messages
} // namespace onset

namespace onset::persistence {

/// Why a storage operation failed.
struct failure {
  /// `corrupt_record`, `format_mismatch`, `storage_failure` or
  /// `invalid_input` (a caller broke a store's rule, e.g. an out-of-order
  /// append).
  error_code code;
  /// One line for operators. For a record it names the database and the key:
  /// `db=outbox key=instruction C-1>device/MFP-1 seq=7: input stream error`.
  std::string context;
  /// LMDB said MDB_MAP_FULL: the write transaction is poisoned; its owner
  /// must abort it, grow the map and replay (the STORE actor does).
  bool map_full = false;
  /// LMDB said the environment can no longer be trusted (MDB_PANIC,
  /// corruption, EIO: `is_fatal_lmdb_error`): the STORE stops and the node
  /// exits (docs/persistence.md, "Fatal storage errors").
  bool fatal = false;
};

/// `code: context`, e.g. `corrupt_record: db=contracts key=C-1: ...`.
std::string to_string(const failure& x);

failure make_failure(error_code code, std::string context);

/// What a store's `for_each` calls for a record that does not decode, before
/// it moves on to the next one. Without one, the store logs the failure.
using corrupt_handler = std::function<void(const failure&)>;

/// Ok, or a failure.
class [[nodiscard]] status {
public:
  /// Ok.
  status() = default;

  status(failure x) : failure_(std::move(x)) {
  }

  explicit operator bool() const noexcept {
    return !failure_;
  }

  /// True if this is a failure caused by MDB_MAP_FULL.
  bool map_full() const noexcept {
    return failure_ && failure_->map_full;
  }

  /// True if this is a fatal failure (`failure::fatal`).
  bool fatal() const noexcept {
    return failure_ && failure_->fatal;
  }

  /// REQUIRES: `!*this`.
  const failure& error() const {
    return *failure_;
  }

private:
  std::optional<failure> failure_;
};

/// A `T`, or a failure.
template <class T>
class [[nodiscard]] result {
public:
  template <
    class U = T,
    class = std::enable_if_t<
      std::is_constructible_v<
        T,
        U&&> && !std::is_same_v<std::decay_t<U>, failure> && !std::is_same_v<std::decay_t<U>, result>>>
  result(U&& x) : state_(std::in_place_index<0>, std::forward<U>(x)) {
  }

  result(failure x) : state_(std::in_place_index<1>, std::move(x)) {
  }

  explicit operator bool() const noexcept {
    return state_.index() == 0;
  }

  /// REQUIRES: `*this` holds a value (for all accessors below).
  T& value() & {
    return std::get<0>(state_);
  }

  const T& value() const& {
    return std::get<0>(state_);
  }

  T&& value() && {
    return std::get<0>(std::move(state_));
  }

  T& operator*() & {
    return value();
  }

  const T& operator*() const& {
    return value();
  }

  T&& operator*() && {
    return std::move(*this).value();
  }

  T* operator->() {
    return &value();
  }

  const T* operator->() const {
    return &value();
  }

  /// REQUIRES: `!*this`.
  const failure& error() const {
    return std::get<1>(state_);
  }

  /// Ok if this holds a value, else the failure.
  status to_status() const {
    return *this ? status{} : status{error()};
  }

private:
  std::variant<T, failure> state_;
};

} // namespace onset::persistence
