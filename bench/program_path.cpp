#include "bench/program_path.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace onset::bench {

std::string program_path(const char* variable, const char* name,
                         const char* build_path) {
  if (auto* chosen = std::getenv(variable); chosen != nullptr && *chosen)
    return chosen;
  std::error_code ec;
  auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto sibling = self.parent_path() / name;
    if (std::filesystem::is_regular_file(sibling, ec))
      return sibling.string();
  }
  return build_path;
}

} // namespace onset::bench
