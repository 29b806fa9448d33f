// What a request of the operator CLI, or of the HTTP API to its node's
// GATEWAY, comes back with: the value, or why not (`failure`). Shared by
// the CAF client of the GATEWAY (gateway_client.hpp) and the CLI's HTTP
// client of the API (api_client.hpp), so that commands read both alike.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace onset::cli {

/// Why a connect or a request did not succeed.
struct failure {
  enum kind_t {
    /// The GATEWAY (or the API) refused: an error of category "onset", or
    /// an HTTP 4xx; `text` is `code: reason`, e.g. `invalid_input:
    /// devices[1]: ...`.
    refused,
    /// The GATEWAY did part of the request (error `partial`); `text` is
    /// `partial: ...`, naming what was done and what failed. The same
    /// request again completes it.
    partial,
    /// No connection, no answer in time, a lost connection, or an answer
    /// that is not what the protocol says; `text` says which, naming the
    /// server's address.
    unreachable,
  };
  kind_t kind = unreachable;
  std::string text;
  /// For `refused` and `partial`: the error code's name (`invalid_input`,
  /// `unknown_contract`, ...), so that callers can tell refusals apart
  /// without parsing `text`.
  std::string code{};
  /// The connect timed out while CAF may still be blocked in the TCP
  /// connect, which destroying the actor system would wait for: the client
  /// was left undestroyed, and the process must end with `std::_Exit`.
  bool stranded = false;
};

/// A reply: the value, or the failure.
template <class T>
class reply {
public:
  reply(T value) : state_(std::move(value)) {
  }

  reply(failure problem) : state_(std::move(problem)) {
  }

  explicit operator bool() const noexcept {
    return state_.index() == 0;
  }

  /// REQUIRES: `*this` holds a value.
  T& value() {
    return std::get<0>(state_);
  }

  /// REQUIRES: `*this` holds a failure.
  const failure& error() const {
    return std::get<1>(state_);
  }

private:
  std::variant<T, failure> state_;
};

/// The reply to a request that answers only "done".
struct done {};

} // namespace onset::cli
