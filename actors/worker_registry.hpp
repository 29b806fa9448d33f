// The workers of a receiving supervisor (DEVICE SUPERVISOR, SERVICE
// SUPERVISOR): at most one actor per key, spawned on demand, forgotten when
// it stops, respawned after an abnormal stop within a restart limit.
// Owned by the supervisor's state; used only from its handlers.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <optional>
#include <unordered_map>
#include <utility>

#include <caf/actor_clock.hpp>
#include <caf/exit_reason.hpp>
#include <caf/send.hpp>
#include <caf/system_messages.hpp>

#include "actors/receiver_options.hpp"

namespace onset::actors {

template <class Key, class Handle>
class worker_registry {
public:
  using time_point = caf::actor_clock::time_point;

  /// What became of a worker that stopped.
  struct stopped {
    Key key;
    /// Stopped abnormally, within the restart limit: spawn it again now.
    bool respawn = false;
  };

  worker_registry() = default;

  worker_registry(const worker_registry&) = delete;
  worker_registry& operator=(const worker_registry&) = delete;

  /// Stops every worker still running: they never outlive their supervisor.
  ~worker_registry() {
    for (auto& [key, handle] : by_key_)
      caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
  }

  /// Takes the restart limit from `opts`.
  void configure(const receiver_options& opts) {
    limit_ = opts.restart_limit;
    window_ = opts.restart_window;
  }

  /// The running worker of `key`, or nullptr.
  const Handle* find(const Key& key) const {
    auto i = by_key_.find(key);
    return i != by_key_.end() ? &i->second : nullptr;
  }

  /// Records a worker just spawned (and monitored) for `key`.
  void add(const Key& key, Handle handle) {
    auto id = handle.id();
    auto i = by_key_.insert_or_assign(key, std::move(handle)).first;
    by_id_[id] = &i->first;
  }

  /// Forgets the worker of `key` without waiting for it to stop: its down
  /// message is then not ours. Returns its handle, if it ran.
  std::optional<Handle> retire(const Key& key) {
    auto i = by_key_.find(key);
    if (i == by_key_.end())
      return std::nullopt;
    auto handle = std::move(i->second);
    by_id_.erase(handle.id());
    by_key_.erase(i);
    return handle;
  }

  /// Forgets the worker that `msg` reports; nullopt if it is not one of
  /// ours. A worker that stopped with `normal` is not respawned.
  std::optional<stopped> down(const caf::down_msg& msg, time_point now) {
    auto i = by_id_.find(msg.source.id());
    if (i == by_id_.end())
      return std::nullopt;
    stopped result{*i->second, false};
    by_id_.erase(i);
    by_key_.erase(result.key);
    if (msg.reason == caf::exit_reason::normal)
      return result;
    auto& times = restarts_[result.key];
    while (!times.empty() && now - times.front() > window_)
      times.pop_front();
    if (times.size() < limit_) {
      times.push_back(now);
      result.respawn = true;
    }
    return result;
  }

private:
  size_t limit_ = receiver_options{}.restart_limit;
  std::chrono::nanoseconds window_ = receiver_options{}.restart_window;
  std::unordered_map<Key, Handle> by_key_;
  /// Points at the keys of `by_key_` (stable: unordered_map nodes do not
  /// move) rather than copying them: a node holds one idle worker per
  /// registered printer it has seen, so every byte here counts.
  std::unordered_map<caf::actor_id, const Key*> by_id_;
  std::unordered_map<Key, std::deque<time_point>> restarts_;
};

} // namespace onset::actors
