// `onset-fleet audit`: what the effect log of an onset-fleet data directory
// proves (docs/endpoints.md, "onset-fleet"). Per stream: the effects
// performed, those performed twice (the same stream and seq; a `skip` is
// no effect and never counts), the conflicts answered, the gaps (an effect
// logged in idempotent mode whose seq is past the next one; a state-only
// endpoint is legitimately sent only the instructions whose effect was not
// there yet, so its entries have no gaps to find) and the order violations
// (a seq below one already performed, not a repeat of one). Then every
// target's final state.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "messages/catalog.hpp"
#include "messages/endpoint_protocol.hpp"
#include "persistence/environment.hpp"
#include "persistence/status.hpp"

namespace onset::fleet {

struct stream_audit {
  stream_id stream;
  /// Effects performed, skips excluded.
  uint64_t effects = 0;
  uint64_t skips = 0;
  /// Seqs whose effect was performed more than once, each listed once.
  std::vector<uint64_t> duplicated;
  uint64_t conflicts = 0;
  /// (after, next): seqs after `after` and before `next` never arrived.
  std::vector<std::pair<uint64_t, uint64_t>> gaps;
  /// Seqs performed after a higher one.
  std::vector<uint64_t> order_violations;
  /// The highest seq performed.
  uint64_t last_seq = 0;
};

struct audit_report {
  /// Ordered by stream text.
  std::vector<stream_audit> streams;
  /// Every printer and every printer at a service, in key order.
  std::vector<endpoint::target_state> targets;

  /// No duplicate, no gap, no order violation.
  bool clean() const;
};

/// Audits the data directory behind `env` (it may be served meanwhile: a
/// read transaction sees one committed state). Refuses an environment
/// without the onset-fleet mark.
persistence::result<audit_report> audit(persistence::environment& env,
                                        const catalog& cat);

std::string to_json(const audit_report& x);

/// One line per stream and per target, then the totals.
std::string to_text(const audit_report& x);

} // namespace onset::fleet
