// `onset-node backup --data-dir D --to DIR` (docs/operations.md, "Backup
// and restore"): a consistent copy of a node's data directory, made while
// the node runs. Every LMDB environment under D (the engine's in D itself,
// the API's tokens in D/tokens, any other directory holding a `data.mdb`)
// is copied with `mdb_env_copy2(..., MDB_CP_COMPACT)`: one read transaction
// per environment, so each copy is one committed state, and the node's
// writer is never blocked. The other regular files (admin.token) are copied
// as they are; LMDB's lock files and the port files of a running node are
// not. DIR must not exist: the copy is made in a private directory beside
// it (mode 0700, files 0600) and renamed to DIR only once complete, so a
// failed backup leaves nothing at DIR. No CAF in this header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace CLI {
class App;
}

namespace onset::nodes {

struct backup_options {
  std::string data_dir = "onset-data";
  std::string to;
};

/// What a backup copied, relative to the data directory.
struct backup_report {
  /// The environments ("." for the data directory itself), with the size of
  /// each copy's data.mdb.
  std::vector<std::pair<std::string, uintmax_t>> environments;
  std::vector<std::string> files;
};

/// Copies `data_dir` to `to` as described above; the error names the path
/// and the reason.
struct backup_result {
  std::optional<backup_report> report;
  std::string error;
};
backup_result backup_data_dir(const std::string& data_dir,
                              const std::string& to);

/// Adds `backup` to `app`; returns it.
CLI::App* add_backup_command(CLI::App& app, backup_options& o);

/// Runs it: prints what it copied on stdout, an error on stderr. Exit
/// code 0 done, 1 refused or failed (DIR exists, D is no data directory,
/// a copy failed).
int run_backup_command(const backup_options& o);

} // namespace onset::nodes
