// The log lines of one test, in a string: tests check that an event was
// written with the fields they expect. spdlog stays out of this header.
#pragma once

#include <memory>
#include <string>

#include "messages/log.hpp"

namespace onset::test {

/// While it lives, events at `info` and above go to a string as
/// `LEVEL event k=v ...` (text) or `{"level":..,"event":..,..}` (JSON)
/// instead of the default logger's output. Restores the previous output
/// (an enclosing capture's, if any) and the text format when it goes. Lines
/// may be written from any thread, also while a capture begins or ends: the
/// default logger itself is never replaced (log_capture.cpp).
class captured_log {
public:
  explicit captured_log(log::format format = log::format::text);
  ~captured_log();

  captured_log(const captured_log&) = delete;
  captured_log& operator=(const captured_log&) = delete;

  /// Every line written so far.
  std::string text() const;

  /// Whether a line written so far contains `fragment`.
  bool contains(const std::string& fragment) const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace onset::test
