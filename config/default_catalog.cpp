#include "config/default_catalog.hpp"

#include <cstdlib>
#include <sys/stat.h>

namespace onset::config {

namespace {

bool exists(const char* path) {
  struct stat info {};
  return ::stat(path, &info) == 0;
}

} // namespace

std::string default_catalog_file() {
  if (const char* named = std::getenv(catalog_variable);
      named != nullptr && *named != '\0')
    return named;
  if (exists(installed_catalog))
    return installed_catalog;
  return {};
}

std::string catalog_lookup_order() {
  return std::string{"--catalog, $"} + catalog_variable + " or "
         + installed_catalog;
}

} // namespace onset::config
