#include "tests/support/log_capture.hpp"

#include <mutex>
#include <string>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace onset::test {

namespace {

/// Lines in a string, written and read under one lock (actors log from
/// several threads in the tests on a real scheduler).
class string_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
  std::string text() {
    std::lock_guard<std::mutex> guard{mutex_};
    return out_;
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    out_.append(line.data(), line.size());
  }

  void flush_() override {
  }

private:
  std::string out_;
};

} // namespace

struct captured_log::impl {
  std::shared_ptr<string_sink> sink = std::make_shared<string_sink>();
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
};

captured_log::captured_log(log::format format)
  : impl_(std::make_unique<impl>()) {
  auto logger = std::make_shared<spdlog::logger>("test", impl_->sink);
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
  return impl_->sink->text();
}

bool captured_log::contains(const std::string& fragment) const {
  return text().find(fragment) != std::string::npos;
}

} // namespace onset::test
