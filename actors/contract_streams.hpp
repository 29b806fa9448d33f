// A CONTRACT's in-memory mirror of its outbox: per stream (contract x
// target), the last seq written, the acknowledged watermark, and the
// instructions written but not yet acknowledged. It also counts, per printer,
// the steps in flight, so the plan keeps each printer to one step at a time
// and the contract to its cap of printers in flight. No CAF, no storage.
//
// An instruction is sent only once its outbox write is committed (durable):
// `add` and `replace` keep it back until `mark_durable`, so a resend for any
// reason (a peer back, a gap, a retry) never sends what a failed commit
// would leave unrecorded.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "messages/instruction.hpp"

namespace onset::actors {

class contract_streams {
public:
  /// Loads one stream as the outbox holds it (durable). REQUIRES: `pending`
  /// holds exactly the seqs acked+1 .. last_seq, in order.
  void restore(const stream_id& stream, uint64_t last_seq, uint64_t acked,
               std::vector<instruction> pending);

  /// Numbers `x` with the next seq of its stream and keeps it pending, not
  /// yet durable.
  const instruction& add(instruction x);

  /// Puts `x` in place of the pending instruction of its stream and seq (an
  /// abandoned step becomes a `skip`), not yet durable. False if that seq is
  /// not pending.
  bool replace(instruction x);

  /// The outbox write of `x` (its stream and seq) is committed: it may be
  /// sent.
  void mark_durable(const instruction& x);

  /// Records that the receiver committed everything up to `seq`; returns the
  /// instructions this newly acknowledges, in order (none for a duplicate or
  /// stale ack). REQUIRES: `seq` is not beyond the last durable seq
  /// (`beyond_durable`).
  std::vector<instruction> ack(const stream_id& stream, uint64_t seq);

  /// True if `seq` is beyond every instruction of `stream` ever sent: the
  /// receiver claims what this contract never wrote.
  bool beyond_durable(const stream_id& stream, uint64_t seq) const;

  /// The pending durable instruction with this seq, or nullptr.
  const instruction* pending(const stream_id& stream, uint64_t seq) const;

  /// Every pending durable instruction (of all streams, or of `stream`), in
  /// order.
  std::vector<instruction> all_pending() const;
  std::vector<instruction> pending_of(const stream_id& stream) const;

  bool device_busy(const device_id& device) const {
    return busy_.count(device) > 0;
  }

  /// Printers with at least one step pending.
  size_t busy_devices() const {
    return busy_.size();
  }

  /// Printers with at least one step pending that are not in `left_behind`
  /// (a contract's degraded printers, whose steps wait for a retry).
  template <class Map>
  size_t busy_devices_except(const Map& left_behind) const {
    size_t n = 0;
    for (auto& [device, _] : busy_)
      n += left_behind.count(device) == 0 ? 1 : 0;
    return n;
  }

  bool idle() const {
    return busy_.empty();
  }

  uint64_t acked(const stream_id& stream) const;

  /// Streams with something acknowledged and nothing pending: nothing
  /// sent to them would meet a receiver that went back behind its acks.
  std::vector<std::pair<stream_id, uint64_t>> at_rest() const;

  uint64_t acked_total() const;
  uint64_t pending_total() const;

private:
  struct entry {
    instruction x;
    bool durable = false;
  };

  struct stream_state {
    uint64_t last_seq = 0;
    uint64_t acked = 0;
    std::map<uint64_t, entry> pending;
  };

  void add_busy(const device_id& device);
  void remove_busy(const device_id& device);

  std::map<stream_id, stream_state> streams_;
  std::map<device_id, size_t> busy_;
};

} // namespace onset::actors
