// Loads and checks the smart-service catalog (format in docs/catalog.md).
// A bad catalog is refused as a whole, naming the file and the field.
#pragma once

#include <string>
#include <string_view>

#include "messages/catalog.hpp"
#include "messages/outcome.hpp"

namespace onset::config {

/// The catalog format this build reads (the top-level `format` key).
constexpr int catalog_format = 1;

/// Parses and checks catalog text.
outcome<catalog> parse_catalog(std::string_view text);

/// Reads `file` and parses it; problems name the file: the returned
/// problem's field is `FILE: FIELD`. An empty `file` (no default found,
/// config/default_catalog.hpp) is refused naming where one is looked for.
outcome<catalog> load_catalog(const std::string& file);

} // namespace onset::config
