// The catalog shipped in config/catalog.json, loaded once for tests.
#pragma once

#include "messages/catalog.hpp"

namespace onset::test {

/// REQUIRES: config/catalog.json is valid (the catalog_loader suite proves
/// it); aborts the test binary otherwise.
const catalog& shipped_catalog();

/// Path of a file below the source tree's root.
std::string source_path(const std::string& relative);

} // namespace onset::test
