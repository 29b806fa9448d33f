// Process-wide logging through spdlog, to stderr: one line per event
// (messages/log.hpp), as text or as JSON lines
// (`{"time":...,"level":...,"event":...,FIELDS}`).
#pragma once

#include <optional>
#include <string>

namespace onset::nodes {

/// Sets up the default logger. Returns a problem text for an unknown level
/// or format, nullopt on success.
std::optional<std::string> setup_logging(const std::string& level,
                                         const std::string& format);

} // namespace onset::nodes
