// The plan of an onset-chaos run (bench/chaos_schedule.hpp) depends on its
// seed alone, reaches the configured kills and pauses, and holds each
// special move, the kills during renewals and cancels, the refused printers
// and a devices node's snapshot and restore; and the events of a node's
// JSON log are counted by name.
#define CAF_SUITE chaos_schedule
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "bench/chaos_schedule.hpp"
#include "bench/log_events.hpp"

using namespace onset::bench;

namespace {

std::string printed(uint32_t seed, const chaos_sizes& sizes) {
  std::ostringstream out;
  print_plan(out, make_chaos_plan(seed, sizes), "");
  return out.str();
}

size_t count_kind(const chaos_plan& plan, chaos_move::kind_t kind) {
  return static_cast<size_t>(
    std::count_if(plan.moves.begin(), plan.moves.end(),
                  [&](const chaos_move& x) { return x.kind == kind; }));
}

} // namespace

CAF_TEST(the same seed gives the same plan and another seed another) {
  chaos_sizes sizes;
  CAF_CHECK_EQUAL(printed(42, sizes), printed(42, sizes));
  CAF_CHECK_NOT_EQUAL(printed(42, sizes), printed(43, sizes));
}

CAF_TEST(a plan holds at least the configured kills and pauses) {
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    chaos_sizes sizes;
    sizes.contracts = 20;
    sizes.kills = 50;
    sizes.pauses = 10;
    auto plan = make_chaos_plan(seed, sizes);
    CAF_CHECK_GREATER_OR_EQUAL(plan.kills, 50);
    CAF_CHECK_GREATER_OR_EQUAL(plan.pauses, 10);
    CAF_CHECK_EQUAL(count_kind(plan, chaos_move::pause), 10u);
    int kills = 0;
    for (auto& x : plan.moves)
      kills += x.kind == chaos_move::kill              ? 1
               : x.kind == chaos_move::kill2           ? 2
               : x.kind == chaos_move::kill_recovering ? 2
               : x.kind == chaos_move::kill_all
                 ? static_cast<int>(chaos_nodes().size())
               : x.kind == chaos_move::renew_crash
                   || x.kind == chaos_move::cancel_crash
                   || x.kind == chaos_move::restore
                 ? 1
                 : 0;
    CAF_CHECK_EQUAL(kills, plan.kills);
  }
}

CAF_TEST(a plan holds each special move once) {
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    auto plan = make_chaos_plan(seed, chaos_sizes{});
    CAF_CHECK_EQUAL(count_kind(plan, chaos_move::kill2), 1u);
    CAF_CHECK_EQUAL(count_kind(plan, chaos_move::kill_recovering), 1u);
    CAF_CHECK_EQUAL(count_kind(plan, chaos_move::kill_all), 1u);
    CAF_CHECK(std::any_of(plan.moves.begin(), plan.moves.end(),
                          [](const chaos_move& x) {
                            return x.kind == chaos_move::kill && x.ms == 0;
                          }));
    for (auto& x : plan.moves)
      if (x.kind == chaos_move::kill2)
        CAF_CHECK_NOT_EQUAL(x.node, x.other);
  }
}

CAF_TEST(with the fleet the plan kills and pauses the fleet too) {
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    chaos_sizes sizes;
    sizes.fleet = true;
    auto plan = make_chaos_plan(seed, sizes);
    CAF_CHECK(plan.fleet);
    CAF_CHECK_GREATER_OR_EQUAL(plan.kills, 50);
    CAF_CHECK_GREATER_OR_EQUAL(plan.pauses, 10);
    CAF_CHECK_GREATER_OR_EQUAL(plan.fleet_kills, sizes.fleet_kills);
    CAF_CHECK_GREATER_OR_EQUAL(plan.fleet_pauses, sizes.fleet_pauses);
    int kills = 0;
    int fleet_kills = 0;
    int fleet_pauses = 0;
    for (auto& x : plan.moves) {
      auto fleet = x.node == "fleet" || x.other == "fleet";
      switch (x.kind) {
        case chaos_move::kill:
          kills += 1;
          fleet_kills += fleet ? 1 : 0;
          break;
        case chaos_move::kill2:
          kills += 2;
          fleet_kills += fleet ? 1 : 0;
          break;
        case chaos_move::kill_recovering:
          kills += 2;
          fleet_kills += fleet ? 2 : 0;
          break;
        case chaos_move::kill_all:
          kills += 6;
          fleet_kills += 1;
          break;
        case chaos_move::renew_crash:
        case chaos_move::cancel_crash:
        case chaos_move::restore:
          kills += 1;
          CAF_CHECK_NOT_EQUAL(x.node, "fleet");
          break;
        case chaos_move::pause:
          fleet_pauses += fleet ? 1 : 0;
          break;
        default:
          break;
      }
    }
    CAF_CHECK_EQUAL(kills, plan.kills);
    CAF_CHECK_EQUAL(fleet_kills, plan.fleet_kills);
    CAF_CHECK_EQUAL(fleet_pauses, plan.fleet_pauses);
  }
  chaos_sizes none;
  none.fleet = true;
  none.kills = 0;
  none.pauses = 0;
  auto plan = make_chaos_plan(7, none);
  CAF_CHECK_GREATER_OR_EQUAL(plan.fleet_kills, none.fleet_kills);
  CAF_CHECK_GREATER_OR_EQUAL(plan.fleet_pauses, none.fleet_pauses);
  auto five = make_chaos_plan(7, chaos_sizes{});
  CAF_CHECK_EQUAL(five.fleet_kills, 0);
  for (auto& x : five.moves)
    CAF_CHECK(x.node != "fleet" && x.other != "fleet");
}

CAF_TEST(even a plan of no kills and no pauses holds the special moves) {
  chaos_sizes sizes;
  sizes.kills = 0;
  sizes.pauses = 0;
  auto plan = make_chaos_plan(7, sizes);
  CAF_CHECK_EQUAL(count_kind(plan, chaos_move::kill_all), 1u);
  CAF_CHECK_EQUAL(count_kind(plan, chaos_move::pause), 0u);
}

CAF_TEST(every contract is submitted once and its fate comes after) {
  chaos_sizes sizes;
  sizes.contracts = 23;
  auto plan = make_chaos_plan(5, sizes);
  std::vector<int> submitted(24, -1);
  for (size_t pos = 0; pos < plan.moves.size(); ++pos) {
    auto& x = plan.moves[pos];
    if (x.kind == chaos_move::submit) {
      for (int i = x.first; i <= x.last; ++i) {
        CAF_CHECK_EQUAL(submitted[static_cast<size_t>(i)], -1);
        submitted[static_cast<size_t>(i)] = static_cast<int>(pos);
      }
    } else if (x.kind == chaos_move::renew || x.kind == chaos_move::cancel
               || x.kind == chaos_move::offline
               || x.kind == chaos_move::renew_crash
               || x.kind == chaos_move::cancel_crash) {
      CAF_CHECK_GREATER(static_cast<int>(pos),
                        submitted[static_cast<size_t>(x.first)]);
      CAF_CHECK_NOT_EQUAL(submitted[static_cast<size_t>(x.first)], -1);
    }
  }
  for (int i = 1; i <= 23; ++i)
    CAF_CHECK_NOT_EQUAL(submitted[static_cast<size_t>(i)], -1);
  CAF_CHECK_EQUAL(plan.moves.front().kind, chaos_move::submit);
}

CAF_TEST(renewals and cancels kill the node of their contract) {
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    auto plan = make_chaos_plan(seed, chaos_sizes{});
    for (auto& x : plan.moves)
      if (x.kind == chaos_move::renew_crash
          || x.kind == chaos_move::cancel_crash) {
        CAF_CHECK_EQUAL(x.node, chaos_contract_node(x.first));
        CAF_CHECK_GREATER_OR_EQUAL(x.ms, 100);
      }
  }
  auto plan = make_chaos_plan(42, chaos_sizes{});
  CAF_CHECK_GREATER(count_kind(plan, chaos_move::renew_crash), 0u);
  CAF_CHECK_GREATER(count_kind(plan, chaos_move::cancel_crash), 0u);
}

CAF_TEST(a refused contract has one printer on each devices node) {
  size_t refused = 0;
  for (uint32_t seed = 1; seed <= 50; ++seed)
    for (auto& c : make_chaos_plan(seed, chaos_sizes{}).workload) {
      if (c.fate != contract_fate::refuse) {
        CAF_CHECK_EQUAL(c.left_behind, 0);
        continue;
      }
      ++refused;
      CAF_CHECK_EQUAL(c.services, service_mix::kiosk);
      CAF_CHECK_EQUAL(chaos_printer_node(c.left_behind), "d2");
      auto other = c.left_behind % 2 == 0 ? c.left_behind - 1
                                          : c.left_behind + 1;
      CAF_CHECK_EQUAL((other + 1) / 2, c.index);
      CAF_CHECK_EQUAL(chaos_printer_node(other), "d1");
    }
  CAF_CHECK_GREATER(refused, 50u);
}

CAF_TEST(a devices node is copied once and restored later) {
  for (uint32_t seed = 1; seed <= 50; ++seed) {
    auto plan = make_chaos_plan(seed, chaos_sizes{});
    CAF_REQUIRE_EQUAL(count_kind(plan, chaos_move::snapshot), 1u);
    CAF_REQUIRE_EQUAL(count_kind(plan, chaos_move::restore), 1u);
    auto kind_is = [](chaos_move::kind_t k) {
      return [k](const chaos_move& x) { return x.kind == k; };
    };
    auto snap = std::find_if(plan.moves.begin(), plan.moves.end(),
                             kind_is(chaos_move::snapshot));
    auto restore = std::find_if(plan.moves.begin(), plan.moves.end(),
                                kind_is(chaos_move::restore));
    CAF_CHECK(snap < restore);
    CAF_CHECK(snap->node == "d1" || snap->node == "d2");
    CAF_CHECK_EQUAL(snap->node, restore->node);
    CAF_CHECK(plan.moves.front().kind == chaos_move::submit);
  }
}

CAF_TEST(moves left out leave the rest of the plan as it was) {
  chaos_sizes without;
  without.crash = false;
  without.refuse = false;
  without.restore = false;
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    auto all = make_chaos_plan(seed, chaos_sizes{});
    auto some = make_chaos_plan(seed, without);
    CAF_CHECK_EQUAL(some.without, "crash,refuse,restore");
    CAF_CHECK_EQUAL(count_kind(some, chaos_move::renew_crash), 0u);
    CAF_CHECK_EQUAL(count_kind(some, chaos_move::cancel_crash), 0u);
    CAF_CHECK_EQUAL(count_kind(some, chaos_move::snapshot), 0u);
    CAF_CHECK_EQUAL(count_kind(some, chaos_move::restore), 0u);
    for (auto& c : some.workload)
      CAF_CHECK_NOT_EQUAL(c.fate, contract_fate::refuse);
    auto kind_of = [](const chaos_move& x) {
      return x.kind == chaos_move::renew_crash    ? chaos_move::renew
             : x.kind == chaos_move::cancel_crash ? chaos_move::cancel
                                                  : x.kind;
    };
    std::vector<std::string> a;
    std::vector<std::string> b;
    for (auto& x : all.moves)
      if (x.kind != chaos_move::snapshot && x.kind != chaos_move::restore)
        a.push_back(std::to_string(kind_of(x)) + " " + std::to_string(x.first));
    for (auto& x : some.moves)
      b.push_back(std::to_string(kind_of(x)) + " " + std::to_string(x.first));
    CAF_CHECK(a == b);
  }
}

CAF_TEST(moves print as the schedule lines of onset - chaos) {
  chaos_move x;
  x.kind = chaos_move::kill;
  x.node = "c1";
  x.ms = 0;
  CAF_CHECK_EQUAL(to_string(x), "kill c1 0");
  x.kind = chaos_move::kill2;
  x.other = "d2";
  x.gap_ms = 30;
  x.ms = 400;
  CAF_CHECK_EQUAL(to_string(x), "kill2 c1 d2 30 400");
  x.kind = chaos_move::pause;
  CAF_CHECK_EQUAL(to_string(x), "pause c1 400");
  x.kind = chaos_move::submit;
  x.first = 6;
  x.last = 10;
  CAF_CHECK_EQUAL(to_string(x), "submit 6 10");
  x.kind = chaos_move::renew_crash;
  x.node = "c2";
  x.gap_ms = 12;
  x.ms = 300;
  CAF_CHECK_EQUAL(to_string(x), "renew_crash 6 c2 12 300");
  x.kind = chaos_move::cancel_crash;
  CAF_CHECK_EQUAL(to_string(x), "cancel_crash 6 c2 12 300");
  x.kind = chaos_move::snapshot;
  x.node = "d1";
  CAF_CHECK_EQUAL(to_string(x), "snapshot d1");
  x.kind = chaos_move::restore;
  CAF_CHECK_EQUAL(to_string(x), "restore d1 300");
  CAF_CHECK_EQUAL(chaos_contract_id(7), "C-0007");
  CAF_CHECK_EQUAL(chaos_printer_id(12), "MFP-0012");
}

CAF_TEST(events of a JSON log are counted by name) {
  char path[] = "/tmp/onset-log-events-XXXXXX";
  int fd = ::mkstemp(path);
  CAF_REQUIRE(fd >= 0);
  ::close(fd);
  {
    std::ofstream out{path};
    out << "=== local-cluster: start 2026-12-06T11:00:00Z ===\n"
        << R"({"time":"2026-12-06T11:00:00.250Z","level":"info",)"
        << R"("event":"step.duplicate","stream":"C-1/MFP-1","seq":3})" << '\n'
        << R"({"time":"2026-12-06T11:00:01.000Z","level":"info",)"
        << R"("event":"step.acked","seq":3})" << '\n'
        << "not json at all\n"
        << R"({"time":"2026-12-06T11:00:02.000Z","level":"info",)"
        << R"("event":"step.duplicate","stream":"C-1/MFP-1","seq":4})" << '\n'
        << R"({"time":"2026-12-06T11:00:03.000Z","level":"info",)";
  }
  CAF_CHECK_EQUAL(count_events(path, "step.duplicate"), 2u);
  CAF_CHECK_EQUAL(count_events(path, "fault.injected"), 0u);
  int64_t first = 0;
  for_each_event(path, [&](const nlohmann::json& x) {
    if (first == 0)
      first = event_time_ms(x);
  });
  // 2026-12-06T11:00:00.250Z
  CAF_CHECK_EQUAL(first, 1796554800250);
  std::remove(path);
}
