#include "nodes/cli/read_file.hpp"

#include <fstream>
#include <sstream>

namespace onset::cli {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace onset::cli
