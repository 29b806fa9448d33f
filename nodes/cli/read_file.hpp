// Reading an operator's input file whole.
#pragma once

#include <optional>
#include <string>

namespace onset::cli {

/// The file's content, or nullopt if it cannot be read.
std::optional<std::string> read_file(const std::string& path);

} // namespace onset::cli
