#define CAF_SUITE log
#include <caf/test/unit_test.hpp>

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
