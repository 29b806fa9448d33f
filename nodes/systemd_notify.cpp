#include "nodes/systemd_notify.hpp"

#include <cstdint>

#include <systemd/sd-daemon.h>

#include "messages/log.hpp"

namespace onset::nodes {

namespace {

/// Sends `state`; logs a failure to send, nothing without systemd.
void notify(const char* state, const char* event) {
  auto sent = sd_notify(0, state);
  if (sent < 0)
    log::warn("systemd.notify_failed", {{"state", event}, {"errno", -sent}});
  else if (sent > 0)
    log::debug("systemd.notified", {{"state", event}});
}

} // namespace

void notify_ready() {
  notify("READY=1", "ready");
}

void notify_stopping() {
  notify("STOPPING=1", "stopping");
}

systemd_watchdog::systemd_watchdog(std::function<bool()> alive)
  : alive_(std::move(alive)) {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
    return;
  auto interval = std::chrono::microseconds{usec / 2};
  log::info("systemd.watchdog",
            {{"interval_ms",
              std::chrono::duration_cast<std::chrono::milliseconds>(interval)
                .count()}});
  thread_ = std::thread{[this, interval] { run(interval); }};
}

systemd_watchdog::~systemd_watchdog() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void systemd_watchdog::run(std::chrono::microseconds interval) {
  // Paced by the clock, not by the checks: a slow check does not stretch
  // the period.
  auto next = std::chrono::steady_clock::now() + interval;
  std::unique_lock<std::mutex> lock{mutex_};
  while (!wake_.wait_until(lock, next, [this] { return stop_; })) {
    next += interval;
    lock.unlock();
    // A node whose check fails is left for systemd to kill: no ping.
    if (alive_())
      notify("WATCHDOG=1", "watchdog");
    else
      log::warn("systemd.watchdog_skipped",
                {{"reason", "store_not_answering"}});
    lock.lock();
  }
}

} // namespace onset::nodes
