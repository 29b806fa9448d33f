// The LMDB environment of a node process (docs/design.md, "Storage"): opened
// once, with MDB_NOTLS (CAF runs actors on a thread pool), many reader slots, a
// reader check at open, every named database opened once, and a format
// version key.
//
// Format block (database `meta`):
//   format key   := "format"
//   format value := version:be32        (this build writes 3, reads 1 to 3)
// A fresh environment gets the key at creation. An environment of an older
// format this build knows is upgraded at open, in the opening transaction
// (persistence/format_upgrade.hpp: 1 -> 2 splits each contract record into
// its parts, 2 -> 3 makes each history line a record of one line), and then
// carries the new version; one of a newer or unknown
// version, or with data but no key, is refused with `format_mismatch`.
//
// `open` returns `result<...>` (no CAF in this header); `grow_map` and
// `sync_to_disk` return a `status`.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <lmdb.h>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence {

/// How a commit reaches the disk. A process kill (SIGKILL, a crash) loses
/// nothing committed in any mode: the data is in the OS page cache. The
/// modes differ only when the machine itself stops (power loss, kernel
/// panic) before the OS has written its cache back.
enum class sync_mode : uint8_t {
  /// Two fsyncs per commit (data pages, then the meta page). A commit that
  /// returned survives power loss. The default.
  durable,
  /// MDB_NOMETASYNC: data pages are fsynced, the meta page is written but
  /// not fsynced (the next commit's fsync or `sync_to_disk` carries it).
  /// Power loss can roll back the last committed transaction(s); the
  /// database stays consistent. An ack sent under this mode may name a
  /// change that power loss undoes.
  no_meta_sync,
  /// MDB_NOSYNC: no fsync; the OS writes back when it likes. Power loss can
  /// lose any recent transactions, and on file systems that reorder writes
  /// it can corrupt the database. For tests and throw-away data only.
  no_sync,
};

/// `durable`, `no_meta_sync` or `no_sync`.
const char* to_string(sync_mode x);

/// TEST ONLY (docs/persistence.md, "Injected storage faults"): a disk that
/// breaks on demand, so that tests reach what the STORE and the node do
/// with a failed commit. Off unless `error` is set.
struct storage_fault {
  /// The LMDB return code the injected commit failure returns; 0: off.
  int error = 0;
  /// Top-level commits after `open` that succeed before the failing one.
  uint64_t after = 0;

  bool any() const noexcept {
    return error != 0;
  }
};

/// Parses `KIND_after:N`: the commit after N good ones fails with KIND,
/// one of `panic` (MDB_PANIC; every later transaction fails to begin with
/// MDB_PANIC, as LMDB behaves once a meta page write failed), `corrupted`
/// (MDB_CORRUPTED), `eio` (EIO) or `nospc` (ENOSPC); those three fail that
/// one commit only, as LMDB does when writing data pages failed. Refuses
/// anything else with `invalid_input`.
result<storage_fault> parse_storage_fault(std::string_view spec);

/// `panic_after:3`; `off` when not set.
std::string to_string(const storage_fault& x);

/// Every tunable of the environment, with its default.
struct environment_options {
  /// Where `data.mdb` and `lock.mdb` live; created if missing.
  std::string directory;
  /// The initial size of the memory map (the most the file can grow to
  /// before the map must grow).
  size_t map_size = size_t{64} << 20;
  /// How much `grow_map` adds each time.
  size_t map_growth = size_t{64} << 20;
  /// Reader slots (LMDB's default is 126); each open read transaction holds
  /// one.
  unsigned max_readers = 1024;
  sync_mode sync = sync_mode::durable;
  /// How often the STORE actor clears the reader slots of dead processes;
  /// zero disables the periodic check (it still runs at open).
  std::chrono::seconds reader_check_interval{30};
  /// TEST ONLY: off by default.
  storage_fault test_fault;
};

/// One LMDB environment. Thread-safe: any thread may begin transactions.
/// REQUIRES: every transaction has ended before the environment is destroyed.
class environment {
public:
  /// The format this build writes and reads.
  static constexpr uint32_t format_version = 6;
  /// The oldest format `open` upgrades (format_upgrade.hpp).
  static constexpr uint32_t oldest_upgradable_format = 1;

  /// Opens (creating if needed) the environment in `opts.directory`.
  /// Errors: `format_mismatch` (not an LMDB file of this version, or another
  /// Onset format), `storage_failure`, `invalid_input` (bad options).
  static result<std::unique_ptr<environment>>
  open(const environment_options& opts);

  ~environment();

  environment(const environment&) = delete;
  environment& operator=(const environment&) = delete;

  /// Begins a snapshot. Check it with `operator bool`; a transaction that
  /// could not begin fails every operation with the reason.
  read_txn begin_read();

  /// Begins the write transaction; blocks while another is open (LMDB
  /// allows one writer per environment). Check it with `operator bool`.
  write_txn begin_write();

  /// Clears reader slots left by dead processes; returns how many were
  /// cleared, or -1 if LMDB failed.
  int check_readers();

  /// How many slots the check at open cleared.
  int readers_cleared_at_open() const noexcept {
    return readers_cleared_at_open_;
  }

  /// Adds `options().map_growth` to the map size. Waits until no
  /// transaction of this process is open, and blocks new ones meanwhile.
  /// REQUIRES: the calling thread holds no transaction (it would deadlock).
  status grow_map();

  /// The current size of the memory map.
  size_t map_size() const;

  size_t map_growth() const noexcept {
    return options_.map_growth;
  }

  sync_mode sync() const noexcept {
    return options_.sync;
  }

  /// Forces everything committed to disk (useful in the weaker sync modes,
  /// e.g. at shutdown).
  status sync_to_disk();

  const environment_options& options() const noexcept {
    return options_;
  }

  /// The handle of a named database.
  MDB_dbi dbi(db which) const noexcept {
    return dbis_[static_cast<size_t>(which)];
  }

  MDB_env* native() const noexcept {
    return env_;
  }

  /// TEST ONLY (`environment_options::test_fault`): the LMDB return code the
  /// top-level commit about to run must fail with, or 0. Counts the commits.
  int injected_commit_failure();

private:
  explicit environment(environment_options opts);

  status bootstrap();
  /// The stored format version, if this build reads it (the current one or
  /// an upgradable older one).
  result<uint32_t> check_format(write_txn& txn);

  /// Adopts a map size grown by another process (MDB_MAP_RESIZED).
  status adopt_map_size();

  environment_options options_;
  MDB_env* env_ = nullptr;
  std::array<MDB_dbi, db_count> dbis_{};
  int readers_cleared_at_open_ = 0;
  /// Shared by every open transaction, exclusive while the map is resized.
  std::shared_mutex resize_mutex_;
  /// Whether `test_fault` applies yet (not to the commit of `open`).
  bool fault_armed_ = false;
  /// Top-level commits run since `open` (for `test_fault`).
  std::atomic<uint64_t> commits_{0};
  /// An injected MDB_PANIC happened: every transaction fails to begin.
  std::atomic<bool> panicked_{false};
};

} // namespace onset::persistence
