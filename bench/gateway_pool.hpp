// Several gateway clients used at once by onset-bench: each thread of a
// `parallel` call connects its own client (a client is blocking, one
// request at a time). No CAF.
#pragma once

#include <functional>
#include <memory>

#include "nodes/cli/gateway_client.hpp"

namespace onset::bench {

/// A connected client; throws std::runtime_error if the gateway does not
/// answer in 10 s. Its requests wait up to 120 s.
std::unique_ptr<cli::gateway_client> connect(const cli::endpoint& gateway);

/// Runs `work(i, client)` for i in 0..n-1, each on its own thread with its
/// own client, and waits for all; rethrows the first exception.
void parallel(const cli::endpoint& gateway, int n,
              const std::function<void(int, cli::gateway_client&)>& work);

/// The value of `x`, or throws std::runtime_error naming `what`.
template <class T>
T& checked(cli::reply<T>& x, const char* what) {
  if (!x)
    throw std::runtime_error(std::string{what} + ": " + x.error().text);
  return x.value();
}

} // namespace onset::bench
