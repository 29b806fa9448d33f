// Reads the events of a node's JSON log (onset-node --log-format json,
// messages/log.hpp): one JSON object per line with "time", "level", "event"
// and the event's fields. Lines that are not such an object (a start
// marker, a crash's last words) are skipped. No CAF.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace onset::bench {

/// Calls `f` with every event of the log at `path`, in order.
void for_each_event(const std::string& path,
                    const std::function<void(const nlohmann::json&)>& f);

/// The event in `line`, or a discarded value when it holds none.
nlohmann::json event_of(const std::string& line);

/// How many events named `name` the log at `path` holds.
uint64_t count_events(const std::string& path, const std::string& name);

/// Milliseconds since the epoch of an event's "time"
/// (`2026-12-06T11:00:00.123Z`, UTC); 0 if it has none.
int64_t event_time_ms(const nlohmann::json& event);

} // namespace onset::bench
