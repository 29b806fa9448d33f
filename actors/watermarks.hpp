// The applied watermarks of every stream to one target, for the DEVICE and
// SERVICE views (`onset device show`).
#pragma once

#include <vector>

#include "messages/instruction.hpp"
#include "messages/views.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::actors {

/// Every stream to `to` with its watermark, ordered by stream. Derived from
/// the effect counts: seqs are applied from 1 without gaps, so a stream's
/// highest counted seq is its watermark. Walks the whole ledger (the ledger
/// has no index by target): an operator query, not for hot paths.
persistence::result<std::vector<stream_watermark>>
applied_watermarks(persistence::transaction& txn, const target& to);

} // namespace onset::actors
