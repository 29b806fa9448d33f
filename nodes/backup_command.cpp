#include "nodes/backup_command.hpp"

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <lmdb.h>
#include <sys/stat.h>
#include <unistd.h>

#include "persistence/transaction.hpp"

namespace onset::nodes {

namespace {

namespace fs = std::filesystem;

/// Attempts at a copy whose read transaction found the map grown by the
/// node (MDB_MAP_RESIZED): each adopts the new size and begins again.
constexpr int copy_attempts = 5;

std::string describe(const fs::path& path, const std::string& reason) {
  return path.string() + ": " + reason;
}

/// Copies the environment in `from` to the empty directory `to`. LMDB's
/// own compacting copy: one read transaction, never the writer's lock.
std::optional<std::string> copy_environment(const fs::path& from,
                                            const fs::path& to) {
  MDB_env* env = nullptr;
  if (auto rc = mdb_env_create(&env))
    return describe(from, std::string{"mdb_env_create: "} + mdb_strerror(rc));
  auto fail = [&](const char* what, int rc) {
    mdb_env_close(env);
    return describe(from, std::string{what} + ": " + mdb_strerror(rc));
  };
  // The node's reader table (lock.mdb) sizes the readers; MDB_NOTLS as the
  // node opens it.
  if (auto rc = mdb_env_set_maxdbs(env, persistence::db_count))
    return fail("mdb_env_set_maxdbs", rc);
  if (auto rc = mdb_env_open(env, from.c_str(), MDB_RDONLY | MDB_NOTLS, 0600))
    return fail("mdb_env_open", rc);
  int rc = 0;
  for (int i = 0; i < copy_attempts; ++i) {
    rc = mdb_env_copy2(env, to.c_str(), MDB_CP_COMPACT);
    if (rc != MDB_MAP_RESIZED)
      break;
    // A map size of 0 adopts the one the node wrote in the meta page.
    if (auto rc2 = mdb_env_set_mapsize(env, 0))
      return fail("mdb_env_set_mapsize", rc2);
    fs::remove(to / "data.mdb");
  }
  if (rc != 0)
    return fail("mdb_env_copy2", rc);
  mdb_env_close(env);
  return std::nullopt;
}

/// Makes `path` readable by its owner only and forces it to disk.
std::optional<std::string> seal_file(const fs::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return describe(path, std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0 && ::fsync(fd) == 0;
  auto err = errno;
  ::close(fd);
  if (!ok)
    return describe(path, std::strerror(err));
  return std::nullopt;
}

std::optional<std::string> sync_directory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    auto err = errno;
    if (fd >= 0)
      ::close(fd);
    return describe(dir, std::strerror(err));
  }
  ::close(fd);
  return std::nullopt;
}

/// LMDB's files, copied through LMDB or not at all, and the files a running
/// node writes and removes (its listening ports).
bool skipped_file(const fs::path& name) {
  return name == "data.mdb" || name == "lock.mdb"
         || name.extension() == ".port";
}

/// Copies the contents of `data_dir` into the empty private directory
/// `stage`.
std::optional<std::string> copy_contents(const fs::path& data_dir,
                                         const fs::path& stage,
                                         backup_report& report) {
  std::error_code ec;
  // An entry gone meanwhile (a port file the node removed) is skipped.
  std::error_code gone;
  std::vector<fs::path> dirs{fs::path{"."}};
  for (fs::recursive_directory_iterator i{data_dir, ec}, end; !ec && i != end;
       i.increment(ec))
    if (i->is_directory(gone) && !i->is_symlink(gone))
      dirs.push_back(fs::relative(i->path(), data_dir));
  if (ec)
    return describe(data_dir, ec.message());
  for (auto& rel : dirs) {
    auto target = (stage / rel).lexically_normal();
    if (rel != "." && ::mkdir(target.c_str(), 0700) != 0)
      return describe(target, std::strerror(errno));
    auto source = (data_dir / rel).lexically_normal();
    if (fs::exists(source / "data.mdb", ec)) {
      if (auto problem = copy_environment(source, target))
        return problem;
      if (auto problem = seal_file(target / "data.mdb"))
        return problem;
      report.environments.emplace_back(rel.string(),
                                       fs::file_size(target / "data.mdb", ec));
    }
    for (fs::directory_iterator i{source, ec}, end; !ec && i != end;
         i.increment(ec)) {
      if (!i->is_regular_file(gone) || i->is_symlink(gone)
          || skipped_file(i->path().filename()))
        continue;
      auto copy = target / i->path().filename();
      fs::copy_file(i->path(), copy, ec);
      if (ec)
        return describe(i->path(), ec.message());
      if (auto problem = seal_file(copy))
        return problem;
      report.files.push_back(
        (rel / i->path().filename()).lexically_normal().string());
    }
    if (ec)
      return describe(source, ec.message());
    if (auto problem = sync_directory(target))
      return problem;
  }
  return std::nullopt;
}

} // namespace

backup_result backup_data_dir(const std::string& data_dir,
                              const std::string& to) {
  std::error_code ec;
  fs::path source{data_dir};
  if (!fs::is_regular_file(source / "data.mdb", ec))
    return {std::nullopt, "--data-dir " + data_dir
                            + ": not a node's data directory (no data.mdb)"};
  fs::path target = fs::absolute(fs::path{to}, ec).lexically_normal();
  if (target.filename().empty())
    target = target.parent_path();
  if (ec || target.filename().empty())
    return {std::nullopt, "--to " + to + ": not a directory name"};
  if (fs::symlink_status(target, ec).type() != fs::file_type::not_found)
    return {std::nullopt, "--to " + to
                            + ": already exists; a backup goes to "
                              "a new directory"};
  auto inside = fs::weakly_canonical(target, ec)
                  .lexically_relative(fs::canonical(source, ec));
  if (!ec && !inside.empty() && *inside.begin() != "..")
    return {std::nullopt, "--to " + to + ": inside the data directory"};
  if (!fs::is_directory(target.parent_path(), ec))
    return {std::nullopt,
            "--to " + to + ": its parent directory does not exist"};
  // A private directory beside the target (so the rename stays on one file
  // system), renamed to it once complete.
  auto pattern = (target.parent_path()
                  / ("." + target.filename().string() + ".partial-XXXXXX"))
                   .string();
  if (::mkdtemp(pattern.data()) == nullptr)
    return {std::nullopt, describe(target.parent_path(), std::strerror(errno))};
  fs::path stage{pattern};
  backup_report report;
  auto problem = copy_contents(source, stage, report);
  // RENAME_NOREPLACE: a target made meanwhile is never replaced.
  if (!problem
      && ::renameat2(AT_FDCWD, stage.c_str(), AT_FDCWD, target.c_str(),
                     RENAME_NOREPLACE)
           != 0)
    problem = "--to " + to + ": " + std::strerror(errno);
  if (problem) {
    fs::remove_all(stage, ec);
    return {std::nullopt, *problem};
  }
  // Complete at the target; only the rename may not be on disk yet.
  if (auto unsynced = sync_directory(target.parent_path()))
    return {std::nullopt, *unsynced};
  return {std::move(report), {}};
}

CLI::App* add_backup_command(CLI::App& app, backup_options& o) {
  auto* cmd = app.add_subcommand(
    "backup", "Copy a node's data directory, consistently, while it runs "
              "(restore: docs/operations.md, \"Backup and restore\")");
  cmd->add_option("--data-dir", o.data_dir, "The node's data directory")
    ->capture_default_str();
  cmd->add_option("--to", o.to, "The backup's directory; must not exist")
    ->required();
  return cmd;
}

int run_backup_command(const backup_options& o) {
  auto done = backup_data_dir(o.data_dir, o.to);
  if (!done.report) {
    std::cerr << "onset-node backup: " << done.error << '\n';
    return 1;
  }
  for (auto& [dir, size] : done.report->environments)
    std::cout << "environment " << dir << " data.mdb " << size << " bytes\n";
  for (auto& file : done.report->files)
    std::cout << "file " << file << '\n';
  std::cout << "backed up " << o.data_dir << " to " << o.to << '\n';
  return 0;
}

} // namespace onset::nodes
