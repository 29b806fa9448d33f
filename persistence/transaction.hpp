// RAII over LMDB transactions and cursors: a transaction aborts in its
// destructor unless committed, a cursor closes in its.
//
// REQUIRES, for every transaction:
// - it ends (commit, abort or destructor) inside the function or message
//   handler that began it; a write transaction that ends on another thread
//   than the one that began it leaves LMDB's writer lock held and the next
//   writer blocks forever (docs/design.md, "Storage"), so commit() refuses
//   that;
// - it ends before its environment is destroyed;
// - the thread that holds it does not call environment::grow_map().
//
// Views (`std::string_view`) returned by reads point into the memory map:
// valid until the transaction ends or, in a write transaction, until its
// next write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <lmdb.h>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>

#include "persistence/status.hpp"

namespace onset::persistence {

/// The named databases of an environment, all opened once at start.
enum class db : uint8_t {
  meta,
  contracts,
  events,
  outbox,
  ledger,
  devices,
  services,
  timers,
  history,
  feed,
};

inline constexpr size_t db_count = 10;

/// The database's name in the environment (`contracts`, ...).
const char* to_string(db x);

class environment;

/// An open transaction, read-only or read-write: what reads take.
class transaction {
public:
  friend class cursor;

  transaction(const transaction&) = delete;
  transaction& operator=(const transaction&) = delete;

  /// False if the transaction could not begin (see `error()`) or has ended.
  explicit operator bool() const noexcept {
    return txn_ != nullptr;
  }

  /// Why the transaction could not begin. REQUIRES: it could not.
  const failure& error() const {
    return *failure_;
  }

  /// The value stored under `key` in `which`, or nullopt.
  result<std::optional<std::string_view>> get(db which, std::string_view key);

  /// The number of entries in `which`.
  result<uint64_t> count(db which);

  /// The first fatal failure (`failure::fatal`) that an operation of this
  /// transaction or of one of its children met, or null.
  const failure* fatal() const noexcept {
    return fatal_ ? &*fatal_ : nullptr;
  }

  environment& env() const noexcept {
    return *env_;
  }

  MDB_txn* native() const noexcept {
    return txn_;
  }

protected:
  transaction(environment* env, MDB_txn* txn,
              std::shared_lock<std::shared_mutex> lock);
  transaction(environment* env, failure why);
  transaction(transaction&& other) noexcept;
  transaction& operator=(transaction&& other) noexcept;
  ~transaction();

  /// The failure of an operation on a transaction that is not open.
  failure not_open() const;

  /// `lmdb_error(rc, what)`; a fatal one marks this transaction and its
  /// ancestors.
  failure lmdb_failure(int rc, std::string what);

  environment* env_;
  MDB_txn* txn_;
  std::optional<failure> failure_;
  /// The transaction this one is a child of, or null.
  transaction* outer_ = nullptr;
  std::optional<failure> fatal_;
  /// Held while the transaction is open, so that the map is never resized
  /// under it (environment::grow_map takes this lock exclusively).
  std::shared_lock<std::shared_mutex> lock_;
};

/// A read-only snapshot. Any thread may use it, one at a time (MDB_NOTLS).
class read_txn : public transaction {
public:
  read_txn(read_txn&&) noexcept = default;
  read_txn& operator=(read_txn&&) noexcept = default;
  ~read_txn() = default;

  /// Ends the snapshot early (the destructor does it otherwise).
  void abort();

private:
  friend class environment;

  read_txn(environment* env, MDB_txn* txn,
           std::shared_lock<std::shared_mutex> lock)
    : transaction(env, txn, std::move(lock)) {
  }

  read_txn(environment* env, failure why) : transaction(env, std::move(why)) {
  }
};

/// A read-write transaction, or a nested one (LMDB child transaction).
/// Aborts in its destructor unless committed.
class write_txn : public transaction {
public:
  write_txn(write_txn&&) noexcept;
  write_txn& operator=(write_txn&&) noexcept;
  ~write_txn();

  /// Stores `value` under `key`, replacing what was there. Refuses a key
  /// longer than LMDB allows (511 bytes) with `invalid_input`.
  status put(db which, std::string_view key, std::string_view value);

  /// Deletes `key`; true if it was there.
  result<bool> del(db which, std::string_view key);

  /// Begins a child transaction: its writes become part of this one when it
  /// commits and vanish when it aborts. REQUIRES: this transaction is not
  /// used (nor moved) until the child ends.
  write_txn begin_nested();

  /// Commits. For a child, into its parent; for a top-level transaction, to
  /// disk (as durable as the environment's sync mode). A failure caused by
  /// MDB_MAP_FULL has `map_full` set. The transaction has ended either way.
  status commit();

  /// Abandons every write of this transaction.
  void abort();

  /// True once any write of this transaction, its parent or one of its
  /// children hit MDB_MAP_FULL: the whole tree can only be aborted.
  bool map_full() const noexcept;

  /// Records written (puts and deletes) by this transaction and by its
  /// committed children.
  uint64_t records() const noexcept {
    return records_;
  }

private:
  friend class environment;

  write_txn(environment* env, MDB_txn* txn,
            std::shared_lock<std::shared_mutex> lock, write_txn* parent);
  write_txn(environment* env, failure why);

  /// Turns an LMDB return code into a failure; MDB_MAP_FULL (and, as in
  /// every transaction, a fatal error) marks this transaction and its
  /// ancestors.
  failure lmdb_failure(int rc, std::string what);
  /// Whether the calling thread began this transaction; logs if not.
  bool on_own_thread(const char* what) const;

  write_txn* parent_ = nullptr;
  bool map_full_ = false;
  uint64_t records_ = 0;
  std::thread::id began_on_;
};

/// A cursor over one database of a transaction. Positioning calls return
/// false at the end of the data or on an LMDB failure (then `state()` holds
/// it). REQUIRES: ends before its transaction.
class cursor {
public:
  cursor(transaction& txn, db which);
  ~cursor();

  cursor(const cursor&) = delete;
  cursor& operator=(const cursor&) = delete;

  /// The first entry with a key at or after `key`.
  bool seek(std::string_view key);
  /// The last entry whose key starts with `prefix`.
  bool seek_last_with_prefix(std::string_view prefix);
  bool first();
  bool last();
  bool next();
  bool prev();

  std::string_view key() const noexcept;
  std::string_view value() const noexcept;

  /// Ok unless LMDB failed (running off the end is not a failure).
  const status& state() const noexcept {
    return state_;
  }

private:
  bool move(MDB_cursor_op op, std::string_view key = {});

  /// Told about a fatal failure, if any.
  transaction* txn_;
  MDB_cursor* cursor_ = nullptr;
  db which_;
  MDB_val key_{0, nullptr};
  MDB_val value_{0, nullptr};
  status state_;
};

/// Calls `fn(key, value)` for every entry of `which` whose key starts with
/// `prefix`, in key order, until `fn` returns false.
status scan_prefix(
  transaction& txn, db which, std::string_view prefix,
  const std::function<bool(std::string_view key, std::string_view value)>& fn);

/// Whether LMDB return code `rc` means the environment can no longer be
/// trusted: MDB_PANIC (a meta page write failed earlier; LMDB fails every
/// transaction from then on), MDB_CORRUPTED and MDB_PAGE_NOTFOUND (the
/// B-tree is damaged), MDB_INVALID and MDB_VERSION_MISMATCH (not the file
/// that was opened), EIO (the disk failed; after a failed fsync the kernel
/// may have dropped the dirty pages, so a retry proves nothing).
bool is_fatal_lmdb_error(int rc);

/// A `storage_failure` for LMDB return code `rc`: `what: LMDB's message`;
/// MDB_MAP_FULL sets `map_full`, a fatal code `fatal`.
failure lmdb_error(int rc, std::string what);

/// `db=NAME key=KEY`, the key printed with keys::printable.
std::string describe(db which, std::string_view key);

} // namespace onset::persistence
