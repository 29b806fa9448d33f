#include "persistence/transaction.hpp"

#include <cerrno>

#include "messages/error_code.hpp"
#include "messages/log.hpp"
#include "persistence/environment.hpp"
#include "persistence/keys.hpp"

namespace onset::persistence {

namespace {

MDB_val to_val(std::string_view x) {
  return MDB_val{x.size(), const_cast<char*>(x.data())};
}

std::string_view to_view(const MDB_val& x) {
  return {static_cast<const char*>(x.mv_data), x.mv_size};
}

} // namespace

const char* to_string(db x) {
  switch (x) {
    case db::meta:
      return "meta";
    case db::contracts:
      return "contracts";
    case db::events:
      return "events";
    case db::outbox:
      return "outbox";
    case db::ledger:
      return "ledger";
    case db::devices:
      return "devices";
    case db::services:
      return "services";
    case db::timers:
      return "timers";
    case db::history:
      return "history";
    case db::feed:
      return "feed";
  }
  return "unknown";
}

bool is_fatal_lmdb_error(int rc) {
  switch (rc) {
    case MDB_PANIC:
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH:
    case EIO:
      return true;
    default:
      return false;
  }
}

failure lmdb_error(int rc, std::string what) {
  auto result = make_failure(error_code::storage_failure,
                             std::move(what) + ": " + mdb_strerror(rc));
  result.map_full = rc == MDB_MAP_FULL;
  result.fatal = is_fatal_lmdb_error(rc);
  return result;
}

std::string describe(db which, std::string_view key) {
  constexpr size_t shown = 80;
  auto text = keys::printable(key.substr(0, shown));
  if (key.size() > shown)
    text += "...";
  return std::string{"db="} + to_string(which) + " key=" + text;
}

// -- transaction --------------------------------------------------------------

transaction::transaction(environment* env, MDB_txn* txn,
                         std::shared_lock<std::shared_mutex> lock)
  : env_(env), txn_(txn), lock_(std::move(lock)) {
}

transaction::transaction(environment* env, failure why)
  : env_(env), txn_(nullptr), failure_(std::move(why)) {
}

transaction::transaction(transaction&& other) noexcept
  : env_(other.env_),
    txn_(other.txn_),
    failure_(std::move(other.failure_)),
    outer_(other.outer_),
    fatal_(std::move(other.fatal_)),
    lock_(std::move(other.lock_)) {
  other.txn_ = nullptr;
}

transaction& transaction::operator=(transaction&& other) noexcept {
  if (this != &other) {
    if (txn_)
      mdb_txn_abort(txn_);
    env_ = other.env_;
    txn_ = other.txn_;
    failure_ = std::move(other.failure_);
    outer_ = other.outer_;
    fatal_ = std::move(other.fatal_);
    lock_ = std::move(other.lock_);
    other.txn_ = nullptr;
  }
  return *this;
}

transaction::~transaction() {
  if (txn_)
    mdb_txn_abort(txn_);
}

failure transaction::lmdb_failure(int rc, std::string what) {
  auto result = lmdb_error(rc, std::move(what));
  if (result.fatal)
    for (auto* txn = this; txn != nullptr; txn = txn->outer_)
      if (!txn->fatal_)
        txn->fatal_ = result;
  return result;
}

failure transaction::not_open() const {
  if (failure_)
    return *failure_;
  return make_failure(error_code::storage_failure,
                      "the transaction has already ended");
}

result<std::optional<std::string_view>> transaction::get(db which,
                                                         std::string_view key) {
  if (!txn_)
    return not_open();
  auto k = to_val(key);
  MDB_val v{0, nullptr};
  auto rc = mdb_get(txn_, env_->dbi(which), &k, &v);
  if (rc == 0)
    return std::optional<std::string_view>{to_view(v)};
  // An empty or over-long key can never have been stored.
  if (rc == MDB_NOTFOUND || rc == MDB_BAD_VALSIZE)
    return std::optional<std::string_view>{};
  return lmdb_failure(rc, "get " + describe(which, key));
}

result<uint64_t> transaction::count(db which) {
  if (!txn_)
    return not_open();
  MDB_stat stat;
  if (auto rc = mdb_stat(txn_, env_->dbi(which), &stat))
    return lmdb_failure(rc, std::string{"stat db="} + to_string(which));
  return uint64_t{stat.ms_entries};
}

// -- read_txn -----------------------------------------------------------------

void read_txn::abort() {
  if (txn_) {
    mdb_txn_abort(txn_);
    txn_ = nullptr;
  }
  if (lock_.owns_lock())
    lock_.unlock();
}

// -- write_txn ----------------------------------------------------------------

write_txn::write_txn(environment* env, MDB_txn* txn,
                     std::shared_lock<std::shared_mutex> lock,
                     write_txn* parent)
  : transaction(env, txn, std::move(lock)),
    parent_(parent),
    began_on_(std::this_thread::get_id()) {
  outer_ = parent;
}

write_txn::write_txn(environment* env, failure why)
  : transaction(env, std::move(why)), began_on_(std::this_thread::get_id()) {
}

write_txn::write_txn(write_txn&& other) noexcept
  : transaction(std::move(other)),
    parent_(other.parent_),
    map_full_(other.map_full_),
    records_(other.records_),
    began_on_(other.began_on_) {
}

write_txn& write_txn::operator=(write_txn&& other) noexcept {
  if (this != &other) {
    abort();
    transaction::operator=(std::move(other));
    parent_ = other.parent_;
    map_full_ = other.map_full_;
    records_ = other.records_;
    began_on_ = other.began_on_;
  }
  return *this;
}

write_txn::~write_txn() {
  abort();
}

bool write_txn::on_own_thread(const char* what) const {
  if (std::this_thread::get_id() == began_on_)
    return true;
  // It would leave LMDB's writer lock held.
  log::event(log::level::critical, "lmdb.foreign_thread",
             {{"operation", what}});
  return false;
}

failure write_txn::lmdb_failure(int rc, std::string what) {
  if (rc == MDB_MAP_FULL)
    for (auto* txn = this; txn != nullptr; txn = txn->parent_)
      txn->map_full_ = true;
  return transaction::lmdb_failure(rc, std::move(what));
}

bool write_txn::map_full() const noexcept {
  for (auto* txn = this; txn != nullptr; txn = txn->parent_)
    if (txn->map_full_)
      return true;
  return false;
}

status write_txn::put(db which, std::string_view key, std::string_view value) {
  if (!txn_)
    return not_open();
  if (map_full())
    return lmdb_error(MDB_MAP_FULL, "put " + describe(which, key));
  auto max_key = static_cast<size_t>(mdb_env_get_maxkeysize(env_->native()));
  if (key.empty() || key.size() > max_key)
    return make_failure(error_code::invalid_input,
                        describe(which, key) + ": a key must have 1 to "
                          + std::to_string(max_key) + " bytes, not "
                          + std::to_string(key.size()));
  auto k = to_val(key);
  auto v = to_val(value);
  if (auto rc = mdb_put(txn_, env_->dbi(which), &k, &v, 0))
    return lmdb_failure(rc, "put " + describe(which, key));
  ++records_;
  return {};
}

result<bool> write_txn::del(db which, std::string_view key) {
  if (!txn_)
    return not_open();
  if (map_full())
    return lmdb_error(MDB_MAP_FULL, "del " + describe(which, key));
  auto k = to_val(key);
  auto rc = mdb_del(txn_, env_->dbi(which), &k, nullptr);
  if (rc == MDB_NOTFOUND || rc == MDB_BAD_VALSIZE)
    return false;
  if (rc != 0)
    return lmdb_failure(rc, "del " + describe(which, key));
  ++records_;
  return true;
}

write_txn write_txn::begin_nested() {
  if (!txn_)
    return write_txn{env_, not_open()};
  if (map_full())
    return write_txn{env_, lmdb_error(MDB_MAP_FULL, "begin nested")};
  MDB_txn* child = nullptr;
  if (auto rc = mdb_txn_begin(env_->native(), txn_, 0, &child))
    return write_txn{env_, lmdb_failure(rc, "begin nested")};
  return write_txn{env_, child, {}, this};
}

status write_txn::commit() {
  if (!txn_)
    return not_open();
  if (!on_own_thread("commit"))
    return make_failure(error_code::storage_failure,
                        "commit refused: the write transaction began on "
                        "another thread");
  if (map_full()) {
    abort();
    return lmdb_error(MDB_MAP_FULL, "commit");
  }
  if (!parent_)
    if (auto injected = env_->injected_commit_failure()) {
      // A failed commit writes nothing: LMDB aborts the transaction.
      abort();
      return lmdb_failure(injected, "commit");
    }
  auto rc = mdb_txn_commit(txn_);
  // LMDB frees the transaction whether the commit succeeded or not.
  txn_ = nullptr;
  if (lock_.owns_lock())
    lock_.unlock();
  if (rc != 0)
    return lmdb_failure(rc, "commit");
  if (parent_)
    parent_->records_ += records_;
  return {};
}

void write_txn::abort() {
  if (txn_) {
    on_own_thread("abort");
    mdb_txn_abort(txn_);
    txn_ = nullptr;
  }
  if (lock_.owns_lock())
    lock_.unlock();
}

// -- cursor -------------------------------------------------------------------

cursor::cursor(transaction& txn, db which) : txn_(&txn), which_(which) {
  if (!txn) {
    state_ = txn.error();
    return;
  }
  if (auto rc = mdb_cursor_open(txn.native(), txn.env().dbi(which), &cursor_)) {
    cursor_ = nullptr;
    state_
      = txn.lmdb_failure(rc, std::string{"open cursor db="} + to_string(which));
  }
}

cursor::~cursor() {
  if (cursor_)
    mdb_cursor_close(cursor_);
}

bool cursor::move(MDB_cursor_op op, std::string_view key) {
  if (!cursor_ || !state_)
    return false;
  if (op == MDB_SET_RANGE)
    key_ = to_val(key);
  auto rc = mdb_cursor_get(cursor_, &key_, &value_, op);
  if (rc == 0)
    return true;
  key_ = MDB_val{0, nullptr};
  value_ = MDB_val{0, nullptr};
  if (rc != MDB_NOTFOUND)
    state_ = txn_->lmdb_failure(rc,
                                std::string{"cursor db="} + to_string(which_));
  return false;
}

bool cursor::seek(std::string_view key) {
  if (key.empty())
    return first();
  return move(MDB_SET_RANGE, key);
}

bool cursor::seek_last_with_prefix(std::string_view prefix) {
  // The smallest key after every key that starts with `prefix`.
  std::string after{prefix};
  while (!after.empty() && static_cast<unsigned char>(after.back()) == 0xFF)
    after.pop_back();
  bool found;
  if (after.empty()) {
    found = last();
  } else {
    after.back()
      = static_cast<char>(static_cast<unsigned char>(after.back()) + 1);
    found = seek(after) ? prev() : (state_ && last());
  }
  return found && key().substr(0, prefix.size()) == prefix;
}

bool cursor::first() {
  return move(MDB_FIRST);
}

bool cursor::last() {
  return move(MDB_LAST);
}

bool cursor::next() {
  return move(MDB_NEXT);
}

bool cursor::prev() {
  return move(MDB_PREV);
}

std::string_view cursor::key() const noexcept {
  return to_view(key_);
}

std::string_view cursor::value() const noexcept {
  return to_view(value_);
}

status scan_prefix(
  transaction& txn, db which, std::string_view prefix,
  const std::function<bool(std::string_view key, std::string_view value)>& fn) {
  cursor cur{txn, which};
  for (auto found = cur.seek(prefix); found; found = cur.next()) {
    if (cur.key().substr(0, prefix.size()) != prefix)
      break;
    if (!fn(cur.key(), cur.value()))
      break;
  }
  return cur.state();
}

} // namespace onset::persistence
