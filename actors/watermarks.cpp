#include "actors/watermarks.hpp"

#include "persistence/receiver_ledger.hpp"

namespace onset::actors {

persistence::result<std::vector<stream_watermark>>
applied_watermarks(persistence::transaction& txn, const target& to) {
  std::vector<stream_watermark> result;
  auto walked = persistence::receiver_ledger::for_each_effect(
    txn, [&](const stream_id& stream, uint64_t seq, uint64_t) {
      if (stream.to != to)
        return;
      if (!result.empty() && result.back().stream == stream)
        result.back().seq = seq;
      else
        result.push_back(stream_watermark{stream, seq});
    });
  if (!walked)
    return walked.error();
  return result;
}

} // namespace onset::actors
