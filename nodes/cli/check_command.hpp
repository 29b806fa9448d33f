// `onset check`: validates contract documents offline, against a catalog and
// a file of device records, and prints each contract's merged server-side
// settings and the desired device and service state computed for it. Needs
// no running node.
#pragma once

#include <string>
#include <vector>

namespace onset::cli {

struct check_options {
  std::string catalog_file;
  std::string devices_file;
  std::vector<std::string> contract_files;
  bool json = false;
};

/// Exit code: 0 when every contract is valid, 1 when one is refused (the
/// reason on stderr, naming file and field).
int run_check(const check_options& options);

} // namespace onset::cli
