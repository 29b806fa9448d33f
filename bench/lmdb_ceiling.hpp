// This machine's raw LMDB ceilings, measured with the same build as the
// product: durable commits written straight to an environment, without
// actors, `per_commit` records each. onset-bench-store and onset-bench both
// measure with these. No CAF.
#pragma once

#include <cstddef>
#include <cstdint>

#include "messages/history_entry.hpp"
#include "persistence/environment.hpp"

namespace onset::bench {

/// A history entry whose stored value is `bytes` long (at least the size
/// of an empty entry).
history_entry record_of(size_t bytes);

struct ceiling {
  uint64_t records = 0;
  uint64_t commits = 0;
  double seconds = 0;

  double records_per_s() const {
    return seconds > 0 ? static_cast<double>(records) / seconds : 0;
  }
  double commits_per_s() const {
    return seconds > 0 ? static_cast<double>(commits) / seconds : 0;
  }
};

/// Appends `commits` transactions of `per_commit` copies of `entry` to the
/// history of contract `stream` in `env`, committing each in the
/// environment's sync mode. Ends the process with a message on a failure:
/// a ceiling measured on a broken disk means nothing.
/// REQUIRES: no other writer uses `env` meanwhile.
ceiling direct_commits(persistence::environment& env, const char* stream,
                       size_t commits, size_t per_commit,
                       const history_entry& entry);

} // namespace onset::bench
