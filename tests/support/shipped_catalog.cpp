#include "tests/support/shipped_catalog.hpp"

#include <cstdio>
#include <cstdlib>

#include "config/catalog_loader.hpp"

namespace onset::test {

std::string source_path(const std::string& relative) {
  return std::string{ONSET_SOURCE_DIR} + "/" + relative;
}

namespace {

/// The shipped catalog; a test binary without it cannot run, so a catalog
/// that fails to load aborts with the reason.
catalog load_shipped_or_abort() {
  auto result = config::load_catalog(source_path("config/catalog.json"));
  if (!result) {
    std::fprintf(stderr, "shipped catalog: %s\n",
                 result.error().to_string().c_str());
    std::abort();
  }
  // A copy, not a move out of the variant: g++ 12 misreads the latter as a
  // delete of a stack object (-Wfree-nonheap-object).
  return result.value();
}

} // namespace

const catalog& shipped_catalog() {
  static const catalog instance = load_shipped_or_abort();
  return instance;
}

} // namespace onset::test
