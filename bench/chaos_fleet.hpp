// onset-chaos at the boundary (docs/chaos.md, "At the boundary:
// --endpoints fleet"): the faults the onset-fleet process is started with,
// and what its effect log proves, as the evidence the cluster audit checks
// the outboxes against (nodes/cluster_audit.hpp). No CAF in this header.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "bench/chaos_schedule.hpp"
#include "messages/catalog.hpp"
#include "nodes/cluster_audit.hpp"

namespace onset::bench {

/// `--fleet-faults SPEC`, SPEC := item(,item)*,
/// item := state_only | idempotent | lose_reply=P | fail=P | latency=MS |
/// timeout=MS.
struct fleet_faults {
  /// onset-fleet --state-only, and `"idempotent": false` in the nodes'
  /// endpoints file.
  bool state_only = true;
  /// onset-fleet --lose-reply and --fail: shares of its requests.
  double lose_reply = 0.1;
  double fail = 0.05;
  /// onset-fleet --latency.
  int latency_ms = 0;
  /// The nodes' request timeout (the endpoints file's `timeout_ms`). Below
  /// the fleet's pauses (1.2..2.2 s), a paused fleet times requests out
  /// that it performs when it resumes (docs/chaos.md, open findings).
  int timeout_ms = 5000;
};

/// Reads `spec` over the defaults in `out`; a refusal names the item.
std::optional<std::string> parse_fleet_faults(const std::string& spec,
                                              fleet_faults& out);

/// As the summary line prints them:
/// `state_only,lose_reply=0.1,fail=0.05,latency=0,timeout=5000`.
std::string to_string(const fleet_faults& x);

/// The onset-fleet options for `x`, its fault draws seeded by `seed`.
std::vector<std::string> fleet_args(const fleet_faults& x, uint64_t seed);

/// The (stream, seq) of every `endpoint.effect_present` event in the JSON
/// logs `logs`: instructions a node found already performed at the
/// endpoint by its read-before, and therefore did not send.
std::set<std::pair<std::string, uint64_t>>
found_present(const std::vector<std::string>& logs);

/// The evidence of the onset-fleet data directory `dir`: every stream of
/// its effect log (the seqs performed, skips included, and those in
/// `present`: (stream, seq) a node found already there and did not send),
/// its duplicates, gaps, order violations and conflicts, and every target's
/// state. Also counts, in `effects`, the effects performed. Throws
/// std::runtime_error when the directory cannot be read.
nodes::endpoint_evidence
fleet_evidence(const std::string& dir, const catalog& cat,
               const std::set<std::pair<std::string, uint64_t>>& present);

/// The summary line's figures of a run through the fleet: ` endpoints=fleet
/// fleet_faults=SPEC fleet_kills=N fleet_pauses=N replies_lost=N
/// fleet_failures=N found_present=N conflicts=N`, the lost replies and
/// injected failures counted in the fleet's log `fleet_log`.
std::string fleet_figures(const chaos_plan& plan, const fleet_faults& faults,
                          const std::string& fleet_log, uint64_t found_present,
                          uint64_t conflicts);

} // namespace onset::bench
