// Where a program finds the service catalog when `--catalog` is not
// given. Never in the tree it was built from: a development run names the
// source tree's catalog itself (tests: $ONSET_CATALOG, set by ctest).
#pragma once

#include <string>

namespace onset::config {

/// The environment variable naming the catalog file.
constexpr const char* catalog_variable = "ONSET_CATALOG";

/// The catalog an installed Onset reads (the Debian package puts it there).
constexpr const char* installed_catalog = "/etc/onset/catalog.json";

/// The catalog to read without `--catalog`, first found: `$ONSET_CATALOG`
/// (when set and not empty), `installed_catalog` (when it exists). Empty
/// when neither applies: the caller refuses to start and names the three
/// places.
std::string default_catalog_file();

/// "--catalog, $ONSET_CATALOG or /etc/onset/catalog.json": what to say when
/// `default_catalog_file()` is empty.
std::string catalog_lookup_order();

} // namespace onset::config
