#include "tests/support/log_capture.hpp"

#include <sstream>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

namespace onset::test {

struct captured_log::impl {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
};

captured_log::captured_log(log::format format)
  : impl_(std::make_unique<impl>()) {
  auto logger = std::make_shared<spdlog::logger>(
    "test", std::make_shared<spdlog::sinks::ostream_sink_st>(impl_->out));
  logger->set_pattern(format == log::format::json ? "{\"level\":\"%l\",%v}"
                                                  : "%l %v");
  logger->set_level(spdlog::level::info);
  spdlog::set_default_logger(logger);
  log::set_format(format);
}

captured_log::~captured_log() {
  spdlog::set_default_logger(impl_->previous);
  log::set_format(log::format::text);
}

std::string captured_log::text() const {
  return impl_->out.str();
}

bool captured_log::contains(const std::string& fragment) const {
  return text().find(fragment) != std::string::npos;
}

} // namespace onset::test
