#include "nodes/node_metrics.hpp"

#include <array>

#include <lmdb.h>

#include "messages/contract_state.hpp"
#include "messages/log.hpp"
#include "persistence/contract_store.hpp"

namespace onset::nodes {

namespace {

/// The map's pages up to the last one written, and its size.
void measure_map(metrics::node_metrics& m, persistence::environment& env) {
  MDB_envinfo info;
  MDB_stat stat;
  if (mdb_env_info(env.native(), &info) != 0
      || mdb_env_stat(env.native(), &stat) != 0)
    return;
  m.set_lmdb_map((static_cast<uint64_t>(info.me_last_pgno) + 1) * stat.ms_psize,
                 info.me_mapsize);
}

/// Every contract's status, counted by state, in one read transaction:
/// the same store `onset status` lists. A store that cannot be read
/// leaves the gauges as they were, and says so in the log.
void measure_contracts(metrics::node_metrics& m,
                       persistence::environment& env) {
  constexpr auto states = static_cast<size_t>(contract_state::ended) + 1;
  std::array<uint64_t, states> counts{};
  uint64_t degraded = 0;
  auto txn = env.begin_read();
  if (!txn) {
    log::warn("metrics.store_unread",
              {{"error", persistence::to_string(txn.error())}});
    return;
  }
  auto walked = persistence::contract_store::for_each_status(
    txn, [&](const contract_status& x) {
      ++counts[static_cast<size_t>(x.state)];
      degraded += x.degraded_devices.size();
    });
  if (!walked) {
    log::warn("metrics.store_unread",
              {{"error", persistence::to_string(walked.error())}});
    return;
  }
  for (size_t i = 0; i < states; ++i)
    m.set_contracts(static_cast<contract_state>(i), counts[i]);
  m.set_printers_degraded(degraded);
}

} // namespace

void measure_storage(metrics::node_metrics& m, persistence::environment& env,
                     bool contracts) {
  m.add_source([&env](metrics::node_metrics& x) { measure_map(x, env); });
  if (contracts)
    m.add_source(
      [&env](metrics::node_metrics& x) { measure_contracts(x, env); });
}

} // namespace onset::nodes
