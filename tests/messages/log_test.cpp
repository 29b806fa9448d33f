#define CAF_SUITE log
#include <caf/test/unit_test.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/log.hpp"
#include "tests/support/log_capture.hpp"

using namespace onset;
using onset::test::captured_log;

CAF_TEST(a text event is its name and key = value fields) {
  captured_log captured{log::format::text};
  log::context ctx{{"contract", "C-17"}};
  ctx.info("step.acked", {{"device", "MFP-3"}, {"seq", 4}, {"ok", true}});
  CAF_CHECK_EQUAL(captured.text(),
                  "info step.acked contract=C-17 device=MFP-3 seq=4 ok=true\n");
}

CAF_TEST(text values with spaces or quotes are quoted) {
  captured_log captured{log::format::text};
  log::warn("peer.down", {{"error", "no \"route\""}, {"empty", ""}});
  CAF_CHECK_EQUAL(captured.text(),
                  "warning peer.down error=\"no \\\"route\\\"\" empty=\"\"\n");
}

CAF_TEST(a json event has every field as a member) {
  captured_log captured{log::format::json};
  log::context ctx{{"node", "n1"}};
  ctx.info("node.up", {{"port", uint16_t{4242}}, {"text", "a \"b\"\n"}});
  auto line = nlohmann::json::parse(captured.text());
  CAF_CHECK_EQUAL(line["event"], "node.up");
  CAF_CHECK_EQUAL(line["node"], "n1");
  CAF_CHECK_EQUAL(line["port"], 4242);
  CAF_CHECK_EQUAL(line["text"], "a \"b\"\n");
  CAF_CHECK_EQUAL(line["level"], "info");
}

CAF_TEST(an event below the level is not written) {
  captured_log captured{log::format::text};
  log::debug("step.sent", {{"seq", 1}});
  CAF_CHECK(!log::enabled(log::level::debug));
  CAF_CHECK_EQUAL(captured.text(), "");
}

CAF_TEST(a capture may begin and end while other threads log) {
  // Actors and endpoint client threads keep logging while a test body
  // captures and then ends its capture.
  captured_log outer;
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  for (int i = 0; i < 2; ++i)
    writers.emplace_back([&done, i] {
      while (!done)
        log::info("writer.tick", {{"writer", i}});
    });
  bool seen = false;
  for (int round = 0; round < 2000; ++round) {
    captured_log captured{round % 2 == 0 ? log::format::text
                                         : log::format::json};
    std::this_thread::yield();
    seen = seen || captured.contains("writer.tick");
  }
  done = true;
  for (auto& w : writers)
    w.join();
  CAF_CHECK(seen);
  CAF_MESSAGE("the outer capture gets what came between the inner ones");
  CAF_CHECK(outer.contains("info writer.tick writer="));
}
