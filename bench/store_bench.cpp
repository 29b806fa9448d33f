// onset-bench-store: what group commit buys. Prints, from one run, the
// records/s of the STORE actor under many concurrent requesters, the
// records/s with one record per transaction, and their ratio:
//
//   store_bench group_commit_rps=... single_rps=... ratio=...
//
// Both phases write ~200-byte history records in durable mode (two fsyncs
// per commit) through a detached STORE actor; "single" has one requester
// with one request in flight, so every record is its own transaction.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <lmdb.h>
#include <memory>
#include <spdlog/spdlog.h>
#include <string>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>

#include "bench/lmdb_ceiling.hpp"
#include "bench/work_dir.hpp"
#include "persistence/codec.hpp"
#include "persistence/history_store.hpp"
#include "persistence/store_actor.hpp"

using namespace onset;
using namespace onset::persistence;

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
  std::string dir;
  int requesters = 256;
  int per_requester = 100;
  int single = 500;
  size_t record_bytes = 200;
};

write_batch append_batch(contract_id contract, history_entry entry) {
  return
    [contract = std::move(contract), entry = std::move(entry)](write_txn& txn) {
      return to_error(history_store::append(txn, contract, entry));
    };
}

struct requester_state {
  static inline const char* name = "bench-requester";
  int acked = 0;
};

using requester_pointer = caf::stateful_actor<requester_state>*;

/// Writes `count` records, one request in flight at a time, then tells
/// `done`.
void send_next(requester_pointer self, store_actor store, caf::actor done,
               contract_id contract, history_entry entry, int count) {
  self
    ->request(store, caf::infinite, atom::write_v,
              append_batch(contract, entry))
    .then(
      [=](atom::ok) {
        if (++self->state.acked == count) {
          self->send(done, atom::ok_v);
          self->quit();
        } else {
          send_next(self, store, done, contract, entry, count);
        }
      },
      [=](caf::error& err) {
        std::fprintf(stderr, "store_bench: write failed: %s\n",
                     to_string(err).c_str());
        std::exit(1);
      });
}

caf::behavior requester(requester_pointer self, store_actor store,
                        caf::actor done, contract_id contract,
                        history_entry entry, int count) {
  send_next(self, store, done, std::move(contract), std::move(entry), count);
  return {};
}

uint64_t last_txnid(environment& env) {
  MDB_envinfo info;
  mdb_env_info(env.native(), &info);
  return info.me_last_txnid;
}

struct phase_result {
  double seconds;
  uint64_t records;
  uint64_t commits;

  double rps() const {
    return static_cast<double>(records) / seconds;
  }
};

/// `requesters` actors write `each` records apiece, concurrently.
phase_result run_phase(caf::actor_system& sys, store_actor store,
                       environment& env, const std::string& name,
                       int requesters, int each, const history_entry& entry) {
  caf::scoped_actor self{sys};
  auto txn_before = last_txnid(env);
  auto started = clock_type::now();
  for (int i = 0; i < requesters; ++i)
    sys.spawn(requester, store, caf::actor{self},
              contract_id{name + "-" + std::to_string(i)}, entry, each);
  for (int i = 0; i < requesters; ++i)
    self->receive([](atom::ok) {});
  std::chrono::duration<double> elapsed = clock_type::now() - started;
  return {elapsed.count(), static_cast<uint64_t>(requesters) * each,
          last_txnid(env) - txn_before};
}

/// One record per transaction, without the actor: LMDB's own floor.
phase_result run_direct(environment& env, int count,
                        const history_entry& entry) {
  auto x = bench::direct_commits(env, "direct", static_cast<size_t>(count), 1,
                                 entry);
  return {x.seconds, x.records, x.commits};
}

void print_phase(const char* name, int requesters, const phase_result& x) {
  std::printf("store_bench phase=%s requesters=%d records=%llu commits=%llu "
              "records_per_commit=%.1f seconds=%.3f rps=%.0f\n",
              name, requesters, static_cast<unsigned long long>(x.records),
              static_cast<unsigned long long>(x.commits),
              static_cast<double>(x.records)
                / static_cast<double>(x.commits ? x.commits : 1),
              x.seconds, x.rps());
}

int run(const options& opts) {
  environment_options env_opts;
  env_opts.directory = opts.dir;
  env_opts.sync = sync_mode::durable;
  auto opened = environment::open(env_opts);
  if (!opened) {
    std::fprintf(stderr, "store_bench: %s\n",
                 to_string(opened.error()).c_str());
    return 1;
  }
  auto env = std::move(*opened);
  auto entry = bench::record_of(opts.record_bytes);
  std::printf("store_bench dir=%s sync=durable record_bytes=%zu\n",
              opts.dir.c_str(), codec::encode(entry).size());
  phase_result group;
  phase_result single;
  {
    caf::actor_system_config cfg;
    cfg.set("scheduler.max-threads",
            static_cast<size_t>(std::thread::hardware_concurrency()));
    caf::actor_system sys{cfg};
    auto store = sys.spawn<caf::detached>(persistence::store_behavior,
                                          env.get());
    group = run_phase(sys, store, *env, "group", opts.requesters,
                      opts.per_requester, entry);
    print_phase("group", opts.requesters, group);
    single = run_phase(sys, store, *env, "single", 1, opts.single, entry);
    print_phase("single", 1, single);
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
  }
  auto direct = run_direct(*env, opts.single, entry);
  print_phase("single_direct", 0, direct);
  std::printf("store_bench group_commit_rps=%.0f single_rps=%.0f ratio=%.1f\n",
              group.rps(), single.rps(), group.rps() / single.rps());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  options opts;
  CLI::App app{"onset-bench-store: STORE actor throughput, group commit vs "
               "one record per transaction (durable)"};
  app.add_option("--dir", opts.dir,
                 "environment directory (default: a fresh one under /var/tmp, "
                 "removed afterwards)");
  app
    .add_option("--requesters", opts.requesters,
                "concurrent requesters in the group-commit phase")
    ->capture_default_str();
  app
    .add_option("--per-requester", opts.per_requester,
                "records each requester writes, one request in flight")
    ->capture_default_str();
  app
    .add_option("--single", opts.single, "records written one per transaction")
    ->capture_default_str();
  app
    .add_option("--record-bytes", opts.record_bytes,
                "size of each stored record")
    ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  return bench::with_work_dir(opts.dir, "onset-bench-store",
                              [&](const std::string& dir) {
                                opts.dir = dir;
                                return run(opts);
                              });
}
