#include "persistence/environment.hpp"

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <mutex>
#include <system_error>
#include <utility>

#include "messages/error_code.hpp"
#include "messages/log.hpp"
#include "persistence/format_upgrade.hpp"
#include "persistence/keys.hpp"

namespace onset::persistence {

namespace {

constexpr std::string_view format_key = "format";

unsigned sync_flags(sync_mode x) {
  switch (x) {
    case sync_mode::durable:
      break;
    case sync_mode::no_meta_sync:
      return MDB_NOMETASYNC;
    case sync_mode::no_sync:
      return MDB_NOSYNC;
  }
  return 0;
}

/// The kinds of `storage_fault`, by name.
constexpr std::pair<std::string_view, int> fault_kinds[] = {
  {"panic", MDB_PANIC},
  {"corrupted", MDB_CORRUPTED},
  {"eio", EIO},
  {"nospc", ENOSPC},
};

} // namespace

result<storage_fault> parse_storage_fault(std::string_view spec) {
  constexpr std::string_view marker = "_after:";
  auto refuse = [spec] {
    return make_failure(error_code::invalid_input,
                        "storage fault '" + std::string{spec}
                          + "': expected KIND_after:N with KIND one of "
                            "panic|corrupted|eio|nospc and N a count");
  };
  auto split = spec.find(marker);
  if (split == std::string_view::npos)
    return refuse();
  auto kind = spec.substr(0, split);
  auto count = spec.substr(split + marker.size());
  storage_fault result;
  for (auto& [name, rc] : fault_kinds)
    if (name == kind)
      result.error = rc;
  auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(),
                                   result.after);
  if (result.error == 0 || count.empty() || ec != std::errc{}
      || end != count.data() + count.size())
    return refuse();
  return result;
}

std::string to_string(const storage_fault& x) {
  for (auto& [name, rc] : fault_kinds)
    if (rc == x.error)
      return std::string{name} + "_after:" + std::to_string(x.after);
  return "off";
}

const char* to_string(sync_mode x) {
  switch (x) {
    case sync_mode::durable:
      return "durable";
    case sync_mode::no_meta_sync:
      return "no_meta_sync";
    case sync_mode::no_sync:
      return "no_sync";
  }
  return "unknown";
}

environment::environment(environment_options opts) : options_(std::move(opts)) {
}

environment::~environment() {
  if (env_)
    mdb_env_close(env_);
}

result<std::unique_ptr<environment>>
environment::open(const environment_options& opts) {
  if (opts.directory.empty())
    return make_failure(error_code::invalid_input,
                        "environment: no directory given");
  if (opts.map_size == 0 || opts.map_growth == 0 || opts.max_readers == 0)
    return make_failure(error_code::invalid_input,
                        "environment: map_size, map_growth and max_readers "
                        "must be positive");
  std::error_code ec;
  std::filesystem::create_directories(opts.directory, ec);
  if (ec)
    return make_failure(error_code::storage_failure, "cannot create "
                                                       + opts.directory + ": "
                                                       + ec.message());
  std::unique_ptr<environment> env{new environment(opts)};
  auto fail = [&](int rc, const std::string& what) -> failure {
    return lmdb_error(rc, what + " " + opts.directory);
  };
  if (auto rc = mdb_env_create(&env->env_)) {
    env->env_ = nullptr;
    return fail(rc, "mdb_env_create");
  }
  if (auto rc = mdb_env_set_mapsize(env->env_, opts.map_size))
    return fail(rc, "set map size");
  if (auto rc = mdb_env_set_maxreaders(env->env_, opts.max_readers))
    return fail(rc, "set max readers");
  if (auto rc = mdb_env_set_maxdbs(env->env_, db_count))
    return fail(rc, "set max dbs");
  auto flags = MDB_NOTLS | sync_flags(opts.sync);
  if (auto rc = mdb_env_open(env->env_, opts.directory.c_str(), flags, 0640)) {
    if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH)
      return make_failure(error_code::format_mismatch,
                          opts.directory
                            + " is not an LMDB environment this "
                              "build can read: "
                            + mdb_strerror(rc));
    return fail(rc, "open");
  }
  // A process killed while it held a read transaction leaves its slot taken.
  int dead = 0;
  if (auto rc = mdb_reader_check(env->env_, &dead))
    return fail(rc, "reader check");
  env->readers_cleared_at_open_ = dead;
  if (auto st = env->bootstrap(); !st)
    return st.error();
  if (opts.test_fault.any()) {
    env->fault_armed_ = true;
    log::warn("lmdb.test_fault",
              {{"dir", opts.directory}, {"fault", to_string(opts.test_fault)}});
  }
  log::info("lmdb.open", {{"dir", opts.directory},
                          {"map", env->map_size()},
                          {"sync", to_string(opts.sync)},
                          {"max_readers", opts.max_readers},
                          {"stale_readers_cleared", dead}});
  return env;
}

status environment::bootstrap() {
  auto txn = begin_write();
  if (!txn)
    return txn.error();
  auto& meta = dbis_[static_cast<size_t>(db::meta)];
  auto rc = mdb_dbi_open(txn.native(), to_string(db::meta), 0, &meta);
  auto stored_format = format_version;
  if (rc == MDB_NOTFOUND) {
    // Fresh, or written by something else: only an empty environment may
    // become an Onset one.
    MDB_dbi main;
    MDB_stat stat;
    if (auto rc2 = mdb_dbi_open(txn.native(), nullptr, 0, &main))
      return lmdb_error(rc2, "open main db");
    if (auto rc2 = mdb_stat(txn.native(), main, &stat))
      return lmdb_error(rc2, "stat main db");
    if (stat.ms_entries > 0)
      return make_failure(error_code::format_mismatch,
                          options_.directory
                            + " holds data but no Onset format key");
    if (auto rc2 = mdb_dbi_open(txn.native(), to_string(db::meta), MDB_CREATE,
                                &meta))
      return lmdb_error(rc2, "create db=meta");
    std::string value;
    keys::put_be32(value, format_version);
    if (auto st = txn.put(db::meta, format_key, value); !st)
      return st;
  } else if (rc != 0) {
    return lmdb_error(rc, "open db=meta");
  } else if (auto version = check_format(txn); !version) {
    return version.error();
  } else {
    stored_format = *version;
  }
  for (size_t i = 0; i < db_count; ++i) {
    auto name = to_string(static_cast<db>(i));
    if (auto rc2 = mdb_dbi_open(txn.native(), name, MDB_CREATE, &dbis_[i]))
      return lmdb_error(rc2, std::string{"open db="} + name);
  }
  if (stored_format != format_version) {
    auto upgraded = upgrade_format(txn, stored_format);
    if (!upgraded)
      return make_failure(upgraded.error().code,
                          options_.directory + ": upgrade from format "
                            + std::to_string(stored_format) + " to "
                            + std::to_string(format_version)
                            + " failed: " + upgraded.error().context);
    std::string value;
    keys::put_be32(value, format_version);
    if (auto st = txn.put(db::meta, format_key, value); !st)
      return st;
    log::info("lmdb.upgraded", {{"dir", options_.directory},
                                {"from", stored_format},
                                {"to", format_version},
                                {"records", *upgraded}});
  }
  return txn.commit();
}

result<uint32_t> environment::check_format(write_txn& txn) {
  auto stored = txn.get(db::meta, format_key);
  if (!stored)
    return stored.error();
  auto where = options_.directory + ": ";
  if (!*stored)
    return make_failure(error_code::format_mismatch,
                        where + "no format key in db=meta");
  auto bytes = **stored;
  auto version = keys::get_be32(bytes);
  if (!version || !bytes.empty())
    return make_failure(error_code::format_mismatch,
                        where + "malformed format key in db=meta");
  if (*version > format_version || *version < oldest_upgradable_format)
    return make_failure(
      error_code::format_mismatch,
      where + "written in format " + std::to_string(*version)
        + (*version > format_version ? " by a newer build" : "")
        + "; this build reads format " + std::to_string(format_version)
        + (oldest_upgradable_format < format_version
             ? " (and upgrades from format "
                 + std::to_string(oldest_upgradable_format) + ")"
             : ""));
  return *version;
}

read_txn environment::begin_read() {
  if (panicked_)
    return read_txn{this, lmdb_error(MDB_PANIC, "begin read")};
  for (;;) {
    std::shared_lock<std::shared_mutex> lock{resize_mutex_};
    MDB_txn* txn = nullptr;
    auto rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn);
    if (rc == 0)
      return read_txn{this, txn, std::move(lock)};
    if (rc != MDB_MAP_RESIZED)
      return read_txn{this, lmdb_error(rc, "begin read")};
    lock.unlock();
    if (auto st = adopt_map_size(); !st)
      return read_txn{this, st.error()};
  }
}

write_txn environment::begin_write() {
  if (panicked_)
    return write_txn{this, lmdb_error(MDB_PANIC, "begin write")};
  for (;;) {
    std::shared_lock<std::shared_mutex> lock{resize_mutex_};
    MDB_txn* txn = nullptr;
    auto rc = mdb_txn_begin(env_, nullptr, 0, &txn);
    if (rc == 0)
      return write_txn{this, txn, std::move(lock), nullptr};
    if (rc != MDB_MAP_RESIZED)
      return write_txn{this, lmdb_error(rc, "begin write")};
    lock.unlock();
    if (auto st = adopt_map_size(); !st)
      return write_txn{this, st.error()};
  }
}

int environment::injected_commit_failure() {
  if (!fault_armed_)
    return 0;
  // One writer at a time (LMDB's writer lock): no two commits race here.
  auto commit = commits_++;
  if (commit < options_.test_fault.after)
    return 0;
  auto rc = options_.test_fault.error;
  if (rc == MDB_PANIC) {
    panicked_ = true;
    return rc;
  }
  return commit == options_.test_fault.after ? rc : 0;
}

int environment::check_readers() {
  int dead = 0;
  if (auto rc = mdb_reader_check(env_, &dead)) {
    log::error("lmdb.reader_check_failed",
               {{"dir", options_.directory}, {"reason", mdb_strerror(rc)}});
    return -1;
  }
  return dead;
}

status environment::grow_map() {
  std::unique_lock<std::shared_mutex> lock{resize_mutex_};
  auto before = map_size();
  auto after = before + options_.map_growth;
  if (auto rc = mdb_env_set_mapsize(env_, after))
    return lmdb_error(rc, "grow map to " + std::to_string(after));
  log::info("lmdb.map_grown",
            {{"dir", options_.directory}, {"from", before}, {"to", after}});
  return {};
}

status environment::adopt_map_size() {
  std::unique_lock<std::shared_mutex> lock{resize_mutex_};
  if (auto rc = mdb_env_set_mapsize(env_, 0))
    return lmdb_error(rc, "adopt the map size grown by another process");
  return {};
}

size_t environment::map_size() const {
  MDB_envinfo info;
  mdb_env_info(env_, &info);
  return info.me_mapsize;
}

status environment::sync_to_disk() {
  if (auto rc = mdb_env_sync(env_, 1))
    return lmdb_error(rc, "sync " + options_.directory);
  return {};
}

} // namespace onset::persistence
