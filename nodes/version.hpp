// What `--version` prints: the project version, the wire version and the
// storage format version, each from its one source.
#pragma once

#include <string>

namespace onset::nodes {

/// The project version of CMakeLists.txt's `project()`, e.g. "0.1.0".
const char* project_version();

/// "PROGRAM 0.1.0 (wire 1, storage 6)".
std::string version_line(const std::string& program);

} // namespace onset::nodes
