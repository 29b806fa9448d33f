#define CAF_SUITE log
#include <caf/test/unit_test.hpp>

#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "messages/log.hpp"

using namespace onset;

namespace {

/// Sends the default logger's lines to a string for one test; restores
/// the previous logger and the text format at the end.
struct captured_log {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();

  explicit captured_log(log::format format) {
    auto logger = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
    logger->set_pattern(format == log::format::json ? "{\"level\":\"%l\",%v}"
                                                    : "%l %v");
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
    log::set_format(format);
  }

  ~captured_log() {
    spdlog::set_default_logger(previous);
    log::set_format(log::format::text);
  }
};

} // namespace

CAF_TEST(a text event is its name and key = value fields) {
  captured_log captured{log::format::text};
  log::context ctx{{"contract", "C-17"}};
  ctx.info("step.acked", {{"device", "MFP-3"}, {"seq", 4}, {"ok", true}});
  CAF_CHECK_EQUAL(captured.out.str(),
                  "info step.acked contract=C-17 device=MFP-3 seq=4 ok=true\n");
}

CAF_TEST(text values with spaces or quotes are quoted) {
  captured_log captured{log::format::text};
  log::warn("peer.down", {{"error", "no \"route\""}, {"empty", ""}});
  CAF_CHECK_EQUAL(captured.out.str(),
                  "warning peer.down error=\"no \\\"route\\\"\" empty=\"\"\n");
}

CAF_TEST(a json event has every field as a member) {
  captured_log captured{log::format::json};
  log::context ctx{{"node", "n1"}};
  ctx.info("node.up", {{"port", uint16_t{4242}}, {"text", "a \"b\"\n"}});
  auto line = nlohmann::json::parse(captured.out.str());
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
  CAF_CHECK_EQUAL(captured.out.str(), "");
}
