// The plan of one onset-chaos run (docs/chaos.md), drawn from its seed
// alone: the workload (per contract its services, dates and fate) and the
// schedule of moves (kills, pauses, restarts, and the workload's submits,
// renewals, cancellations and printers coming back) interleaved. Pure: the
// same seed and sizes give the same plan on every machine (draws are
// `generator() % n`, not a standard distribution, whose results the
// standard leaves to the library). No CAF, no processes.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace onset::bench {

/// The nodes of the chaos cluster, in the order the schedule draws them.
const std::vector<std::string>& chaos_nodes();

/// What the schedule kills and pauses: the nodes, and with `fleet` the
/// onset-fleet process too (named `fleet`, drawn last).
const std::vector<std::string>& chaos_targets(bool fleet);

/// The name of the onset-fleet process in the moves.
inline const char* chaos_fleet = "fleet";

/// The contracts node that owns contract `index`, the devices node that owns
/// printer `index` (config/placement.hpp over c1, c2 and d1, d2).
std::string chaos_contract_node(int index);
std::string chaos_printer_node(int index);

/// `kiosk`: only the run's own service `chaos_kiosk` (an application and a
/// setting), which the printers of d2 cannot take (docs/chaos.md).
enum class service_mix { device_only, backup, delivery, parts, kiosk };

/// What happens to a contract during the run. `refuse`: one printer, on
/// d2, refuses its first step, and is left behind.
enum class contract_fate { keep, cancel, renew, offline, expire, refuse };

std::string to_string(service_mix x);
std::string to_string(contract_fate x);

/// Contract `index` (1-based) of the workload: its id is C-NNNN, its
/// printers MFP-(2i-1) and MFP-(2i).
struct chaos_contract {
  int index = 0;
  service_mix services = service_mix::device_only;
  /// Seeds the service values (thresholds, backup format).
  int value = 0;
  /// Seconds after the documents' reference time; 0: start already past,
  /// end far away.
  int start_offset_s = 0;
  int end_offset_s = 0;
  contract_fate fate = contract_fate::keep;
  /// The printer (its number) left behind, for fate `refuse`; else 0.
  int left_behind = 0;
};

/// One move of the schedule. Times are milliseconds.
struct chaos_move {
  enum kind_t {
    /// Let the cluster work for `ms`.
    wait,
    /// SIGKILL `node`, restart it after `ms` (0: at once).
    kill,
    /// SIGKILL `node`, `gap_ms` later SIGKILL `other`, restart both after
    /// `ms`.
    kill2,
    /// SIGKILL `node`, restart it, `gap_ms` later (while it recovers)
    /// SIGKILL it again, restart it after `ms`.
    kill_recovering,
    /// SIGKILL every node, restart all after `ms`.
    kill_all,
    /// SIGSTOP `node` for `ms`, then SIGCONT.
    pause,
    /// Submit contracts `first`..`last`.
    submit,
    /// Renew, cancel contract `first`, or bring its offline printer back.
    renew,
    cancel,
    offline,
    /// Renew or cancel contract `first`, and `gap_ms` after sending the
    /// request SIGKILL its contracts node `node` (its commit in flight),
    /// restart it after `ms`.
    renew_crash,
    cancel_crash,
    /// SIGSTOP devices node `node`, copy its store aside, SIGCONT.
    snapshot,
    /// SIGKILL `node`, put the copy of its store in place of its data,
    /// restart it after `ms`.
    restore,
  };
  kind_t kind = wait;
  std::string node;
  std::string other;
  int gap_ms = 0;
  int ms = 0;
  int first = 0;
  int last = 0;
};

/// The line the plan prints for `x`, e.g. `kill c1 532`.
std::string to_string(const chaos_move& x);

struct chaos_plan {
  uint32_t seed = 0;
  std::vector<chaos_contract> workload;
  std::vector<chaos_move> moves;
  /// SIGKILLs and pauses the schedule holds (a kill2 counts two kills,
  /// kill_recovering two, kill_all one per node (and one for the fleet),
  /// renew_crash, cancel_crash and restore one).
  int kills = 0;
  int pauses = 0;
  /// Whether the devices and services nodes deliver to an onset-fleet
  /// process, which the moves then kill and pause too; of `kills` and
  /// `pauses`, those that hit it.
  bool fleet = false;
  int fleet_kills = 0;
  int fleet_pauses = 0;
  /// The moves left out (chaos_sizes), as --without spells them; empty if
  /// none.
  std::string without;
};

/// The sizes of a plan.
struct chaos_sizes {
  int contracts = 40;
  /// At least this many SIGKILLs and pauses.
  int kills = 50;
  int pauses = 10;
  /// The moves of a kind can be left out (--without): the draws stay the
  /// same, so the rest of the plan does not change. `crash`: renewals and
  /// cancels without a kill; `refuse`: refused contracts kept instead;
  /// `restore`: no snapshot and restore.
  bool crash = true;
  bool refuse = true;
  bool restore = true;
  /// `onset-chaos --endpoints fleet`: the onset-fleet process is one more
  /// target of kills and pauses (`kill fleet D`, `pause fleet D`, and in
  /// kill2, kill_recovering and kill_all), at least `fleet_kills` and
  /// `fleet_pauses` times, counted in `kills` and `pauses`.
  bool fleet = false;
  int fleet_kills = 5;
  int fleet_pauses = 3;
};

/// The plan of `seed`: at least `sizes.kills` kills and `sizes.pauses`
/// pauses, each special move (kill2, kill_recovering, kill_all, a kill
/// restarted at once) once, and one snapshot of a devices node followed by
/// its restore; with `sizes.fleet`, at least `sizes.fleet_kills` kills and
/// `sizes.fleet_pauses` pauses of the fleet among them.
chaos_plan make_chaos_plan(uint32_t seed, const chaos_sizes& sizes);

/// Prints the plan as `onset-chaos --schedule-only` does; `faults` is the
/// --faults spec or empty.
void print_plan(std::ostream& out, const chaos_plan& plan,
                const std::string& faults);

/// C-0001 for 1.
std::string chaos_contract_id(int index);

/// MFP-0001 for 1.
std::string chaos_printer_id(int index);

} // namespace onset::bench
