#include "actors/step_latency.hpp"

#include <algorithm>

namespace onset::actors {

namespace {

/// The position of the highest set bit of `x`, which is not 0.
unsigned top_bit(uint64_t x) {
  return 63u - static_cast<unsigned>(__builtin_clzll(x));
}

} // namespace

size_t step_latency::bucket_of(uint64_t us) {
  if (us < 16)
    return static_cast<size_t>(us);
  auto e = top_bit(us);
  auto sub = (us >> (e - 4)) & 15u;
  return std::min(bucket_count - 1, 16 + (e - 4) * 16 + sub);
}

uint64_t step_latency::bucket_floor(size_t bucket) {
  if (bucket < 16)
    return bucket;
  auto e = (bucket - 16) / 16 + 4;
  auto sub = (bucket - 16) % 16;
  return (16 + sub) << (e - 4);
}

double step_latency::quantile(const std::vector<uint64_t>& counts, double q) {
  uint64_t total = 0;
  for (auto n : counts)
    total += n;
  if (total == 0)
    return 0;
  // The rank of the quantile, 1-based: the smallest value with at least
  // q * total values at or below it.
  auto rank = std::max<uint64_t>(
    1, static_cast<uint64_t>(q * static_cast<double>(total) + 0.5));
  uint64_t seen = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= rank) {
      auto lo = static_cast<double>(bucket_floor(i));
      auto hi = static_cast<double>(bucket_floor(i + 1));
      return i < 16 ? lo : (lo + hi) / 2;
    }
  }
  return static_cast<double>(bucket_floor(counts.size() - 1));
}

void step_latency::record(std::chrono::nanoseconds latency) {
  auto us
    = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
  auto bucket = bucket_of(us < 0 ? 0 : static_cast<uint64_t>(us));
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
}

std::vector<uint64_t> step_latency::counts() const {
  std::vector<uint64_t> result(bucket_count);
  for (size_t i = 0; i < bucket_count; ++i)
    result[i] = counts_[i].load(std::memory_order_relaxed);
  return result;
}

std::string step_latency::buckets_text() const {
  std::string result;
  auto all = counts();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == 0)
      continue;
    if (!result.empty())
      result += ',';
    result += std::to_string(i) + ':' + std::to_string(all[i]);
  }
  return result;
}

} // namespace onset::actors
