// How often receivers asked their targets (a printer's driver, a service)
// to execute each instruction: the effect as the world outside the store
// would see it, counted before the commit, so that a second execution shows
// even when its commit then fails. The exactly-once checks of the tests
// read it; a node runs without one.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <utility>

#include "messages/instruction.hpp"

namespace onset::actors {

class execution_log {
public:
  void count(const instruction& x) {
    std::lock_guard<std::mutex> guard{mtx_};
    ++counts_[{x.stream, x.seq}];
  }

  /// Calls `f(stream, seq, executions)` for every instruction executed at
  /// least once, by stream and seq.
  template <class F>
  void for_each(F f) const {
    std::lock_guard<std::mutex> guard{mtx_};
    for (auto& [key, n] : counts_)
      f(key.first, key.second, n);
  }

private:
  mutable std::mutex mtx_;
  std::map<std::pair<stream_id, uint64_t>, size_t> counts_;
};

} // namespace onset::actors
