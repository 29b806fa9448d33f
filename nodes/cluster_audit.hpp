// The chaos check (docs/chaos.md): reads the stores of every node of a
// cluster (stopped, or in one test process) and proves, from the nodes' own
// state, "every instruction accepted into an outbox is applied exactly once,
// in order, with no gaps" (docs/design.md, "Delivery"). No CAF.
//
//   lost        acked seqs of an outbox stream with no effect at its
//               receiver (an ack without a commit)
//   duplicated  effects applied more than once (effect count > 1)
//   reordered   receiver streams whose applied seqs are not exactly
//               1, 2, ..., watermark (a skipped or extra seq); the receiver
//               applies only watermark+1 in the transaction that moves the
//               watermark, so a gap-free set is the evidence of order
//
// With `expect_settled` it also checks the outcome: every contract in its
// expected resting state (`ended` once cancelled or past its end, `active`
// once started, else `scheduled`), nothing pending in any outbox, and every
// printer's and service's applied state equal to what the latest versions
// of its contracts want (messages/desired_state.hpp via `desired_for`).
//
// When the devices and services nodes deliver to an external endpoint
// (onset-node --endpoints), the effects live there, and so does the
// evidence (`audit_options::endpoint`): `lost` counts acked seqs the
// endpoint neither performed nor was found to hold already (a `skip` is
// taken by the receiver without the endpoint, and is exempt), `duplicated`,
// `reordered` and `conflicts` come from the endpoint's effect log, and the
// applied state compared is the endpoint's. The receivers' own effect
// counts prove nothing there (after an `out_of_order` a node lowers its
// watermark and counts the seq again when it is re-acked, while the
// endpoint performed it once), so they are not checked.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "messages/catalog.hpp"
#include "messages/device_state.hpp"
#include "messages/ids.hpp"
#include "messages/outcome.hpp"
#include "messages/utc_time.hpp"
#include "persistence/environment.hpp"

namespace onset::nodes {

/// What an external endpoint holds and logged, for a cluster whose
/// receivers deliver there.
struct endpoint_evidence {
  struct stream {
    /// Seqs the endpoint performed (a `skip` included), or that a receiver
    /// found already there before sending them (a state-only endpoint's
    /// read-before).
    std::set<uint64_t> delivered;
    /// Seqs performed more than once, gaps and order violations, conflicts
    /// answered (the endpoint's effect log).
    uint64_t duplicated = 0;
    uint64_t disorders = 0;
    uint64_t conflicts = 0;
    /// Effects performed, skips excluded.
    uint64_t effects = 0;
    /// How the endpoint's log describes its violations, one line each.
    std::vector<std::string> problems;
  };
  /// By `stream_id::to_string()`.
  std::map<std::string, stream> streams;
  /// Every printer and (service, printer) as the endpoint holds it.
  std::map<device_id, device_state> devices;
  std::map<std::pair<service_id, device_id>, service_device_state> services;
};

struct audit_options {
  /// Check contract states, pending steps and applied state too. REQUIRES:
  /// the stores of every node are given (a printer's contracts may live on
  /// any contracts node).
  bool expect_settled = false;
  /// Dates are compared against this (a contract past its end is expected
  /// `ended`).
  utc_time now;
  /// At most this many problems are described.
  size_t max_problems = 20;
  /// Contracts whose steps some printers refuse: each is expected
  /// `degraded` with exactly these printers left behind (unless it is
  /// expected `ended`), its other printers holding what it wants and the
  /// printers left behind nothing of it (their refused step abandoned).
  std::map<contract_id, std::set<device_id>> left_behind;
  /// Set: the receivers deliver to this endpoint, whose evidence replaces
  /// theirs (above).
  std::optional<endpoint_evidence> endpoint;
};

/// One stream as the receiver and the outbox hold it.
struct audit_stream {
  std::string stream;
  /// Receiver: applied watermark and counted effects.
  uint64_t applied = 0;
  uint64_t effects = 0;
  uint64_t duplicated = 0;
  uint64_t gaps = 0;
  /// Outbox (0 when no contracts store given holds the stream).
  uint64_t acked = 0;
  uint64_t last = 0;
  uint64_t lost = 0;
};

struct audit_contract {
  contract_id id;
  uint64_t version = 0;
  std::string state;
  std::string expected;
};

struct audit_report {
  uint64_t streams = 0;
  uint64_t instructions = 0;
  uint64_t duplicated = 0;
  uint64_t gaps = 0;
  uint64_t reordered = 0;
  /// Conflicts an endpoint answered (a reused seq: a defect).
  uint64_t conflicts = 0;
  uint64_t max_effect_count = 0;
  uint64_t outbox_streams = 0;
  uint64_t acked = 0;
  uint64_t lost = 0;
  /// Written to an outbox, not acked.
  uint64_t pending = 0;
  uint64_t devices = 0;
  /// Only with `expect_settled`: contracts not in their expected state,
  /// printers and (service, printer) pairs whose applied state differs from
  /// the desired one.
  uint64_t unsettled = 0;
  uint64_t mismatched = 0;
  /// Printers left behind as `left_behind` expects.
  uint64_t left_behind = 0;
  std::vector<audit_contract> contracts;
  std::vector<audit_stream> per_stream;
  /// The first `max_problems` violations, one line each.
  std::vector<std::string> problems;
  bool settled_checked = false;

  bool ok() const {
    return duplicated == 0 && gaps == 0 && lost == 0 && conflicts == 0
           && (!settled_checked
               || (unsettled == 0 && mismatched == 0 && pending == 0));
  }
};

/// Audits the stores in `envs` (each node's environment, any roles) against
/// `cat`. Fails (naming the store) only if a store cannot be read.
/// REQUIRES: nobody writes to `envs` meanwhile.
outcome<audit_report>
audit_cluster(const std::vector<persistence::environment*>& envs,
              const catalog& cat, const audit_options& options);

} // namespace onset::nodes
