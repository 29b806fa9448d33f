#include "tests/support/shipped_catalog.hpp"

#include <cstdio>
#include <cstdlib>

#include "config/catalog_loader.hpp"

namespace onset::test {

std::string source_path(const std::string& relative) {
  return std::string{ONSET_SOURCE_DIR} + "/" + relative;
}

const catalog& shipped_catalog() {
  static const catalog instance = [] {
    auto result = load_catalog(source_path("config/catalog.json"));
    if (!result) {
      std::fprintf(stderr, "shipped catalog: %s\n",
                   result.error().to_string().c_str());
      std::abort();
    }
    return std::move(result).value();
  }();
  return instance;
}

} // namespace onset::test
