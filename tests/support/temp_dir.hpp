// A directory of its own for one test: created fresh under /tmp, removed
// with everything in it when the test ends.
#pragma once

#include <string>

namespace onset::test {

class temp_dir {
public:
  /// Fails the test if no directory can be made.
  temp_dir();
  ~temp_dir();

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const {
    return path_;
  }

private:
  std::string path_;
};

} // namespace onset::test
