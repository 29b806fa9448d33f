#include "bench/gateway_pool.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace onset::bench {

std::unique_ptr<cli::gateway_client> connect(const cli::endpoint& gateway) {
  auto c = cli::gateway_client::connect(gateway, std::chrono::seconds{10});
  if (!c) {
    if (c.error().stranded) {
      // The actor system cannot be destroyed (gateway_client.hpp).
      std::fprintf(stderr, "onset-bench: %s\n", c.error().text.c_str());
      std::_Exit(1);
    }
    throw std::runtime_error(c.error().text);
  }
  c.value()->set_timeout(std::chrono::seconds{120});
  return std::move(c.value());
}

void parallel(const cli::endpoint& gateway, int n,
              const std::function<void(int, cli::gateway_client&)>& work) {
  std::mutex mtx;
  std::exception_ptr first;
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      try {
        auto client = connect(gateway);
        work(i, *client);
      } catch (...) {
        std::lock_guard<std::mutex> guard{mtx};
        if (!first)
          first = std::current_exception();
      }
    });
  for (auto& t : threads)
    t.join();
  if (first)
    std::rethrow_exception(first);
}

} // namespace onset::bench
