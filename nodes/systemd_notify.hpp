// What an `onset-node` run by systemd tells it (docs/deploy.md): READY=1,
// STOPPING=1 and the WATCHDOG=1 pings of a `Type=notify` unit with
// `WatchdogSec=`. Without systemd ($NOTIFY_SOCKET unset) all of it does
// nothing. No CAF here.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace onset::nodes {

/// READY=1: the node is up (logged `node.up`: its store open, its ports and
/// API listening). Not "ready" in the sense of `/readyz`: a node of a
/// cluster waits for no peer before it says so.
void notify_ready();

/// STOPPING=1: the node began its orderly stop.
void notify_stopping();

/// Pings WATCHDOG=1 at half the interval systemd asked for
/// ($WATCHDOG_USEC), from its own thread, each time `alive` holds; a node
/// that stops answering is then killed and restarted by systemd. Does
/// nothing when systemd asked for no watchdog.
class systemd_watchdog {
public:
  explicit systemd_watchdog(std::function<bool()> alive);
  /// Stops pinging; returns once the thread is joined.
  ~systemd_watchdog();

  systemd_watchdog(const systemd_watchdog&) = delete;
  systemd_watchdog& operator=(const systemd_watchdog&) = delete;

private:
  void run(std::chrono::microseconds interval);

  std::function<bool()> alive_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

} // namespace onset::nodes
