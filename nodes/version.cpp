#include "nodes/version.hpp"

#include "messages/versions.hpp"
#include "persistence/environment.hpp"

// Defined for this file only (nodes/CMakeLists.txt), so that a new version
// recompiles one translation unit.
#ifndef ONSET_PROJECT_VERSION
#  error "ONSET_PROJECT_VERSION must be defined (nodes/CMakeLists.txt)"
#endif

namespace onset::nodes {

const char* project_version() {
  return ONSET_PROJECT_VERSION;
}

std::string version_line(const std::string& program) {
  return program + " " + project_version() + " (wire "
         + std::to_string(wire_version) + ", storage "
         + std::to_string(persistence::environment::format_version) + ")";
}

} // namespace onset::nodes
