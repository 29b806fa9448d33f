// Send-to-ack latency of the steps of every CONTRACT actor of a node: from
// an instruction's first send to the ack that confirms the target committed
// it. A histogram with buckets of about 6 % width (16 per power of two of
// microseconds), so that percentiles stay exact to that width whatever the
// count. Lock-free: CONTRACT actors on any scheduler thread record into it
// at once. No CAF.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace onset::actors {

class step_latency {
public:
  /// Buckets 0..15 hold 0..15 us exactly; above, 16 per power of two, up
  /// to 2^40 us (the last bucket also holds anything longer).
  static constexpr size_t bucket_count = 16 + 37 * 16;

  /// The bucket of a latency of `us` microseconds.
  static size_t bucket_of(uint64_t us);

  /// The smallest latency, in microseconds, that falls into `bucket`.
  static uint64_t bucket_floor(size_t bucket);

  /// The latency at quantile `q` (0..1) of the histogram `counts` (indexed
  /// by bucket), in microseconds: the middle of its bucket. 0 when empty.
  static double quantile(const std::vector<uint64_t>& counts, double q);

  void record(std::chrono::nanoseconds latency);

  /// Every bucket's count (a snapshot; recording may go on meanwhile).
  std::vector<uint64_t> counts() const;

  /// The non-empty buckets as `bucket:count` separated by commas, the form
  /// the node logs and onset-bench reads back.
  std::string buckets_text() const;

private:
  std::array<std::atomic<uint64_t>, bucket_count> counts_{};
};

} // namespace onset::actors
