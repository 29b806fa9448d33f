#include "bench/chaos_schedule.hpp"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <map>
#include <random>

#include "config/placement.hpp"

namespace onset::bench {

namespace {

/// The move timings, in ms. A kill's restart comes after 100..700 ms, a
/// pause lasts 1.2..2.2 s (longer than the cluster's 1 s heartbeat timeout,
/// so that its peers take the node for down), and a wait of up to 150 ms
/// follows each fault move.
constexpr int kill_delay_min = 100;
constexpr int kill_delay_span = 600;
constexpr int pause_min = 1200;
constexpr int pause_span = 1000;
constexpr int wait_span = 150;
constexpr int kill2_gap_span = 500;
constexpr int recovering_gap_span = 300;
/// A renew_crash or cancel_crash kills the contracts node this many ms
/// (at most) after sending the request: while it fetches the printers'
/// records and commits.
constexpr int crash_gap_span = 60;

/// Contracts are submitted in batches of this many.
constexpr int batch = 5;

class draws {
public:
  explicit draws(uint32_t seed) : gen_(seed) {
  }

  /// A number in 0..n-1. REQUIRES: n > 0.
  int operator()(int n) {
    return static_cast<int>(gen_() % static_cast<uint32_t>(n));
  }

private:
  std::mt19937 gen_;
};

std::vector<chaos_contract> make_workload(draws& rnd, int contracts,
                                          bool refuse) {
  std::vector<chaos_contract> result;
  for (int i = 1; i <= contracts; ++i) {
    chaos_contract x;
    x.index = i;
    auto r = rnd(100);
    x.services = r < 20   ? service_mix::device_only
                 : r < 50 ? service_mix::backup
                 : r < 75 ? service_mix::delivery
                          : service_mix::parts;
    x.value = rnd(40) + 5;
    x.start_offset_s = rnd(100) < 25 ? rnd(30) + 5 : 0;
    r = rnd(100);
    x.fate = r < 15   ? contract_fate::cancel
             : r < 35 ? contract_fate::renew
             : r < 45 ? contract_fate::offline
             : r < 55 ? contract_fate::expire
             : r < 70 ? contract_fate::refuse
                      : contract_fate::keep;
    if (x.fate == contract_fate::expire)
      x.end_offset_s = x.start_offset_s + rnd(20) + 20;
    if (x.fate == contract_fate::refuse) {
      // Only a contract with one printer on each devices node: the one on
      // d2 refuses, the other provisions.
      auto a = 2 * i - 1;
      auto b = 2 * i;
      if (!refuse || chaos_printer_node(a) == chaos_printer_node(b)) {
        x.fate = contract_fate::keep;
      } else {
        x.services = service_mix::kiosk;
        x.left_behind = chaos_printer_node(a) == "d2" ? a : b;
      }
    }
    result.push_back(x);
  }
  return result;
}

/// Fault moves, each followed by a wait, until the kill and pause counts
/// are reached and each special move was drawn once.
/// Counts `x` against the fleet's kills and pauses when it hits the fleet.
void count_fleet(const chaos_move& x, chaos_plan& plan) {
  auto hits = [&](const std::string& n) { return n == chaos_fleet; };
  switch (x.kind) {
    case chaos_move::kill:
      plan.fleet_kills += hits(x.node) ? 1 : 0;
      break;
    case chaos_move::kill2:
      plan.fleet_kills += hits(x.node) || hits(x.other) ? 1 : 0;
      break;
    case chaos_move::kill_recovering:
      plan.fleet_kills += hits(x.node) ? 2 : 0;
      break;
    case chaos_move::kill_all:
      plan.fleet_kills += plan.fleet ? 1 : 0;
      break;
    case chaos_move::pause:
      plan.fleet_pauses += hits(x.node) ? 1 : 0;
      break;
    default:
      break;
  }
}

std::vector<chaos_move> make_faults(draws& rnd, const chaos_sizes& sizes,
                                    chaos_plan& plan) {
  auto& nodes = chaos_targets(sizes.fleet);
  auto count = static_cast<int>(nodes.size());
  auto fleet_short = [&] {
    return sizes.fleet
           && (plan.fleet_kills < sizes.fleet_kills
               || plan.fleet_pauses < sizes.fleet_pauses);
  };
  std::deque<chaos_move::kind_t> special{chaos_move::kill2,
                                         chaos_move::kill_recovering,
                                         chaos_move::kill_all,
                                         chaos_move::kill};
  std::vector<chaos_move> result;
  while (plan.kills < sizes.kills || plan.pauses < sizes.pauses
         || !special.empty() || fleet_short()) {
    auto r = rnd(100);
    auto n = rnd(count);
    auto m = rnd(count);
    if (m == n)
      m = (m + 1) % count;
    chaos_move x;
    x.node = nodes[static_cast<size_t>(n)];
    x.other = nodes[static_cast<size_t>(m)];
    auto delay = rnd(kill_delay_span) + kill_delay_min;
    if (!special.empty() && r < 25) {
      x.kind = special.front();
      special.pop_front();
      if (x.kind == chaos_move::kill) // The kill restarted at once.
        delay = 0;
    } else if (plan.pauses < sizes.pauses
               && (r < 45 || plan.kills >= sizes.kills)) {
      x.kind = chaos_move::pause;
    } else if (plan.kills >= sizes.kills && plan.pauses >= sizes.pauses
               && special.empty()) {
      // Only the fleet's own share is missing: a move of the fleet.
      x.node = chaos_fleet;
      x.kind = plan.fleet_pauses < sizes.fleet_pauses ? chaos_move::pause
                                                      : chaos_move::kill;
    } else {
      x.kind = chaos_move::kill;
    }
    switch (x.kind) {
      case chaos_move::kill:
        x.other.clear();
        x.ms = delay;
        plan.kills += 1;
        break;
      case chaos_move::kill2:
        x.gap_ms = rnd(kill2_gap_span);
        x.ms = delay;
        plan.kills += 2;
        break;
      case chaos_move::kill_recovering:
        x.other.clear();
        x.gap_ms = rnd(recovering_gap_span);
        x.ms = delay;
        plan.kills += 2;
        break;
      case chaos_move::kill_all:
        x.node.clear();
        x.other.clear();
        x.ms = delay;
        plan.kills += count;
        break;
      default: // pause
        x.other.clear();
        x.ms = rnd(pause_span) + pause_min;
        plan.pauses += 1;
    }
    count_fleet(x, plan);
    result.push_back(std::move(x));
    chaos_move pause_after;
    pause_after.ms = rnd(wait_span);
    result.push_back(std::move(pause_after));
  }
  return result;
}

/// Interleaves the workload's moves with `faults`: batches of five
/// contracts at seeded positions over the first two thirds (the first at
/// once), each renewal, cancellation or printer back online at a seeded
/// position after its contract's batch (half the renewals and
/// cancellations with a kill of the contract's node right after the
/// request), so that contracts provision while nodes die, and the snapshot
/// of a devices node in the first third, its restore in the second.
std::vector<chaos_move> interleave(draws& rnd, const chaos_sizes& sizes,
                                   chaos_plan& plan,
                                   std::vector<chaos_move> faults) {
  auto n_faults = static_cast<int>(faults.size());
  auto span = n_faults * 2 / 3 + 1;
  auto contracts = static_cast<int>(plan.workload.size());
  std::map<int, std::vector<chaos_move>> at;
  std::vector<int> batch_pos(static_cast<size_t>(contracts) + 1, 0);
  for (int b = 0; b * batch < contracts; ++b) {
    auto pos = rnd(span);
    if (b == 0)
      pos = 0;
    chaos_move x;
    x.kind = chaos_move::submit;
    x.first = b * batch + 1;
    x.last = std::min((b + 1) * batch, contracts);
    for (int i = x.first; i <= x.last; ++i)
      batch_pos[static_cast<size_t>(i)] = pos;
    at[pos].push_back(std::move(x));
  }
  for (auto& c : plan.workload) {
    chaos_move x;
    switch (c.fate) {
      case contract_fate::cancel:
        x.kind = chaos_move::cancel;
        break;
      case contract_fate::renew:
        x.kind = chaos_move::renew;
        break;
      case contract_fate::offline:
        x.kind = chaos_move::offline;
        break;
      default:
        continue;
    }
    auto from = batch_pos[static_cast<size_t>(c.index)];
    auto pos = from + 1 + rnd(std::max(1, n_faults - from));
    x.first = c.index;
    if (x.kind != chaos_move::offline) {
      auto crash = rnd(2) == 0;
      auto gap = rnd(crash_gap_span);
      auto delay = rnd(kill_delay_span) + kill_delay_min;
      if (crash && sizes.crash) {
        x.kind = x.kind == chaos_move::renew ? chaos_move::renew_crash
                                             : chaos_move::cancel_crash;
        x.node = chaos_contract_node(c.index);
        x.gap_ms = gap;
        x.ms = delay;
        plan.kills += 1;
      }
    }
    at[pos].push_back(std::move(x));
  }
  auto third = std::max(1, n_faults / 3);
  chaos_move snap;
  snap.kind = chaos_move::snapshot;
  snap.node = rnd(2) == 0 ? "d1" : "d2";
  auto snap_pos = 1 + rnd(third);
  chaos_move restore = snap;
  restore.kind = chaos_move::restore;
  restore.ms = rnd(kill_delay_span) + kill_delay_min;
  auto restore_pos = snap_pos + third + rnd(third);
  if (sizes.restore) {
    plan.kills += 1;
    at[snap_pos].push_back(std::move(snap));
    at[restore_pos].push_back(std::move(restore));
  }
  std::vector<chaos_move> result;
  for (int pos = 0; pos < n_faults; ++pos) {
    if (auto i = at.find(pos); i != at.end())
      for (auto& x : i->second)
        result.push_back(x);
    result.push_back(std::move(faults[static_cast<size_t>(pos)]));
  }
  for (auto i = at.lower_bound(n_faults); i != at.end(); ++i)
    for (auto& x : i->second)
      result.push_back(x);
  return result;
}

std::string padded(const char* prefix, int index) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s-%04d", prefix, index);
  return buf;
}

} // namespace

const std::vector<std::string>& chaos_nodes() {
  static const std::vector<std::string> result{"gw", "c1", "c2", "d1", "d2"};
  return result;
}

const std::vector<std::string>& chaos_targets(bool fleet) {
  static const std::vector<std::string> with_fleet = [] {
    auto x = chaos_nodes();
    x.push_back(chaos_fleet);
    return x;
  }();
  return fleet ? with_fleet : chaos_nodes();
}

std::string chaos_contract_node(int index) {
  return "c"
         + std::to_string(config::owner_index(chaos_contract_id(index), 2) + 1);
}

std::string chaos_printer_node(int index) {
  return "d"
         + std::to_string(config::owner_index(chaos_printer_id(index), 2) + 1);
}

std::string to_string(service_mix x) {
  switch (x) {
    case service_mix::device_only:
      return "device_only";
    case service_mix::backup:
      return "backup";
    case service_mix::delivery:
      return "delivery";
    case service_mix::parts:
      return "parts";
    default:
      return "kiosk";
  }
}

std::string to_string(contract_fate x) {
  switch (x) {
    case contract_fate::keep:
      return "keep";
    case contract_fate::cancel:
      return "cancel";
    case contract_fate::renew:
      return "renew";
    case contract_fate::offline:
      return "offline";
    case contract_fate::expire:
      return "expire";
    default:
      return "refuse";
  }
}

std::string to_string(const chaos_move& x) {
  auto n = [](int i) { return std::to_string(i); };
  switch (x.kind) {
    case chaos_move::wait:
      return "wait " + n(x.ms);
    case chaos_move::kill:
      return "kill " + x.node + " " + n(x.ms);
    case chaos_move::kill2:
      return "kill2 " + x.node + " " + x.other + " " + n(x.gap_ms) + " "
             + n(x.ms);
    case chaos_move::kill_recovering:
      return "kill_recovering " + x.node + " " + n(x.gap_ms) + " " + n(x.ms);
    case chaos_move::kill_all:
      return "kill_all " + n(x.ms);
    case chaos_move::pause:
      return "pause " + x.node + " " + n(x.ms);
    case chaos_move::submit:
      return "submit " + n(x.first) + " " + n(x.last);
    case chaos_move::renew:
      return "renew " + n(x.first);
    case chaos_move::cancel:
      return "cancel " + n(x.first);
    case chaos_move::renew_crash:
      return "renew_crash " + n(x.first) + " " + x.node + " " + n(x.gap_ms)
             + " " + n(x.ms);
    case chaos_move::cancel_crash:
      return "cancel_crash " + n(x.first) + " " + x.node + " " + n(x.gap_ms)
             + " " + n(x.ms);
    case chaos_move::snapshot:
      return "snapshot " + x.node;
    case chaos_move::restore:
      return "restore " + x.node + " " + n(x.ms);
    default:
      return "offline " + n(x.first);
  }
}

chaos_plan make_chaos_plan(uint32_t seed, const chaos_sizes& sizes) {
  draws rnd{seed};
  chaos_plan result;
  result.seed = seed;
  result.fleet = sizes.fleet;
  result.workload = make_workload(rnd, sizes.contracts, sizes.refuse);
  auto faults = make_faults(rnd, sizes, result);
  result.moves = interleave(rnd, sizes, result, std::move(faults));
  for (auto [left_out, name] : {std::pair{!sizes.crash, "crash"},
                                {!sizes.refuse, "refuse"},
                                {!sizes.restore, "restore"}})
    if (left_out)
      result.without += (result.without.empty() ? "" : ",") + std::string{name};
  return result;
}

void print_plan(std::ostream& out, const chaos_plan& plan,
                const std::string& faults) {
  auto contracts = plan.workload.size();
  out << "chaos seed=" << plan.seed << " contracts=" << contracts
      << " printers=" << 2 * contracts << " kills=" << plan.kills
      << " pauses=" << plan.pauses;
  if (plan.fleet)
    out << " endpoints=fleet fleet_kills=" << plan.fleet_kills
        << " fleet_pauses=" << plan.fleet_pauses;
  out << " faults=" << (faults.empty() ? "none" : faults)
      << (plan.without.empty() ? "" : " without=" + plan.without) << '\n';
  out << "workload (start/end offsets in s from the submit of the first "
         "batch; 0 = past/far):\n";
  for (auto& c : plan.workload)
    out << "  " << chaos_contract_id(c.index)
        << " services=" << to_string(c.services) << " value=" << c.value
        << " start+" << c.start_offset_s << " end+" << c.end_offset_s
        << " fate=" << to_string(c.fate)
        << (c.left_behind == 0
              ? std::string{}
              : " left_behind=" + chaos_printer_id(c.left_behind))
        << '\n';
  out << "schedule (" << plan.moves.size() << " events; times in ms):\n";
  size_t k = 0;
  for (auto& x : plan.moves)
    out << "  #" << ++k << ' ' << to_string(x) << '\n';
}

std::string chaos_contract_id(int index) {
  return padded("C", index);
}

std::string chaos_printer_id(int index) {
  return padded("MFP", index);
}

} // namespace onset::bench
