#include "bench/work_dir.hpp"

#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <vector>

namespace onset::bench {

int with_work_dir(const std::string& dir, const std::string& prefix,
                  const std::function<int(const std::string&)>& body) {
  if (!dir.empty())
    return body(dir);
  auto pattern = "/var/tmp/" + prefix + "-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (mkdtemp(name.data()) == nullptr) {
    std::perror(("mkdtemp " + pattern).c_str());
    return 1;
  }
  std::string made{name.data()};
  auto rc = body(made);
  std::error_code ec;
  std::filesystem::remove_all(made, ec);
  return rc;
}

} // namespace onset::bench
