#include "nodes/logging.hpp"

#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "messages/log.hpp"

namespace onset::nodes {

std::optional<std::string> setup_logging(const std::string& level,
                                         const std::string& format) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off")
    return "log level '" + level
           + "' is not one of trace|debug|info|warn|error|critical|off";
  auto logger = std::make_shared<spdlog::logger>(
    "onset", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (format == "json") {
    // Every line is a log::write event: its payload is the JSON members
    // after "time" and "level".
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})",
                        spdlog::pattern_time_type::utc);
    log::set_format(log::format::json);
  } else if (format == "text") {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v",
                        spdlog::pattern_time_type::utc);
    log::set_format(log::format::text);
  } else {
    return "log format '" + format + "' is not one of text|json";
  }
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
  return std::nullopt;
}

} // namespace onset::nodes
