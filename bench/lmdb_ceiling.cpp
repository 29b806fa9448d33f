#include "bench/lmdb_ceiling.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "persistence/codec.hpp"
#include "persistence/history_store.hpp"

namespace onset::bench {

history_entry record_of(size_t bytes) {
  history_entry x{utc_time{1'767'225'600}, history_kind::sent, ""};
  auto overhead = persistence::codec::encode(x).size();
  x.detail.assign(bytes > overhead ? bytes - overhead : 0, 'r');
  return x;
}

ceiling direct_commits(persistence::environment& env, const char* stream,
                       size_t commits, size_t per_commit,
                       const history_entry& entry) {
  contract_id contract{stream};
  auto started = std::chrono::steady_clock::now();
  for (size_t i = 0; i < commits; ++i) {
    auto txn = env.begin_write();
    for (size_t j = 0; j < per_commit; ++j) {
      if (auto appended = persistence::history_store::append(txn, contract,
                                                             entry);
          !appended) {
        std::fprintf(stderr, "bench: direct write failed: %s\n",
                     persistence::to_string(appended.error()).c_str());
        std::exit(1);
      }
    }
    if (auto committed = txn.commit(); !committed) {
      std::fprintf(stderr, "bench: direct commit failed: %s\n",
                   persistence::to_string(committed.error()).c_str());
      std::exit(1);
    }
  }
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now()
                                          - started;
  return {static_cast<uint64_t>(commits * per_commit),
          static_cast<uint64_t>(commits), elapsed.count()};
}

} // namespace onset::bench
