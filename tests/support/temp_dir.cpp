#include "tests/support/temp_dir.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include <caf/test/unit_test.hpp>

namespace onset::test {

temp_dir::temp_dir() {
  char pattern[] = "/tmp/onset-test-XXXXXX";
  if (mkdtemp(pattern) == nullptr)
    CAF_FAIL("mkdtemp failed");
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

} // namespace onset::test
