#include "config/placement.hpp"

namespace onset::config {

uint64_t fnv1a(std::string_view bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

size_t owner_index(std::string_view id, size_t count) {
  return static_cast<size_t>(fnv1a(id) % count);
}

} // namespace onset::config
