// `onset check`: validates contract documents against a catalog and a file
// of device records, and prints each contract's merged server-side settings
// and the desired device and service state computed for it. With
// `--catalog FILE` it needs no running node; without, it checks against the
// catalog of the node the server options name (GET /v1/catalog).
#pragma once

#include <string>
#include <vector>

#include "nodes/cli/server_options.hpp"

namespace onset::cli {

struct check_options {
  server_options server;
  /// Empty: the node's catalog.
  std::string catalog_file;
  std::string devices_file;
  std::vector<std::string> contract_files;
  bool json = false;
};

/// Exit code: 0 when every contract is valid, 1 when one is refused (the
/// reason on stderr, naming file and field); without `--catalog`, 3 when
/// the node cannot be reached.
int run_check(const check_options& options);

} // namespace onset::cli
