#include "tests/support/log_capture.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace onset::test {

namespace {

/// The lines of one capture.
struct capture {
  std::unique_ptr<spdlog::formatter> formatter;
  std::string text;
};

/// The one sink of the test process's default logger: lines go to the sinks
/// the default logger had, or while a capture is on, to that capture
/// instead. Captures begin and end under the sink's lock, so a line written
/// on another thread meanwhile goes wholly to one side.
class redirect_sink final : public spdlog::sinks::base_sink<std::mutex> {
public:
  explicit redirect_sink(std::vector<spdlog::sink_ptr> normal)
    : normal_(std::move(normal)) {
  }

  /// Sends the lines to `x` from now on; returns the capture that had them.
  std::shared_ptr<capture> redirect(std::shared_ptr<capture> x) {
    std::lock_guard<std::mutex> guard{mutex_};
    std::swap(current_, x);
    return x;
  }

  std::string text(const capture& x) {
    std::lock_guard<std::mutex> guard{mutex_};
    return x.text;
  }

protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (current_) {
      spdlog::memory_buf_t line;
      current_->formatter->format(msg, line);
      current_->text.append(line.data(), line.size());
      return;
    }
    for (auto& x : normal_)
      if (x->should_log(msg.level))
        x->log(msg);
  }

  void flush_() override {
    if (!current_)
      for (auto& x : normal_)
        x->flush();
  }

private:
  std::vector<spdlog::sink_ptr> normal_;
  std::shared_ptr<capture> current_;
};

/// The default logger of the test process and its sink. spdlog's default
/// logger must never be replaced while another thread logs (the actors and
/// the endpoint clients' threads of a test log at any time), so the tests
/// replace it once, at start-up, with one whose sink redirects.
struct redirecting_logger {
  std::shared_ptr<redirect_sink> sink;
  std::shared_ptr<spdlog::logger> logger;

  redirecting_logger() {
    auto original = spdlog::default_logger();
    sink = std::make_shared<redirect_sink>(original->sinks());
    logger = std::make_shared<spdlog::logger>(original->name(), sink);
    logger->set_level(original->level());
    logger->flush_on(original->flush_level());
    spdlog::set_default_logger(logger);
  }
};

redirecting_logger& installed() {
  static redirecting_logger instance;
  return instance;
}

// Before main, hence before any thread logs.
[[maybe_unused]] const bool installed_at_start = (installed(), true);

} // namespace

struct captured_log::impl {
  std::shared_ptr<capture> lines = std::make_shared<capture>();
  std::shared_ptr<capture> previous;
  spdlog::level::level_enum previous_level = spdlog::level::info;
};

captured_log::captured_log(log::format format)
  : impl_(std::make_unique<impl>()) {
  auto& target = installed();
  impl_->lines->formatter = std::make_unique<spdlog::pattern_formatter>(
    format == log::format::json ? "{\"level\":\"%l\",%v}" : "%l %v");
  log::set_format(format);
  impl_->previous = target.sink->redirect(impl_->lines);
  impl_->previous_level = target.logger->level();
  target.logger->set_level(spdlog::level::info);
}

captured_log::~captured_log() {
  auto& target = installed();
  target.logger->set_level(impl_->previous_level);
  target.sink->redirect(std::move(impl_->previous));
  log::set_format(log::format::text);
}

std::string captured_log::text() const {
  return installed().sink->text(*impl_->lines);
}

bool captured_log::contains(const std::string& fragment) const {
  return text().find(fragment) != std::string::npos;
}

} // namespace onset::test
