// Process-wide logging through spdlog: one line per event, as text or as
// JSON lines (`{"time":...,"level":...,"msg":...}`), to stderr.
#pragma once

#include <optional>
#include <string>

namespace onset {

/// Sets up the default logger. Returns a problem text for an unknown level
/// or format, nullopt on success.
std::optional<std::string> setup_logging(const std::string& level,
                                         const std::string& format);

} // namespace onset
