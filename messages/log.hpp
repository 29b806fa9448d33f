// Log lines are events: a name (`area.event`, e.g. `step.acked`) and
// `key=value` fields. In text format a line reads
// `2026-12-06T11:00:00.000Z info step.acked contract=C-17 device=MFP-3 seq=4`;
// in JSON format every field is a JSON member beside "time", "level" and
// "event". Nothing parses prose: scripts and tests match event names and
// fields. spdlog stays out of this header.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace onset::log {

enum class level { trace, debug, info, warn, error, critical };

/// One field of an event. Holds views: it lives only as long as the
/// expression that logs it.
class field {
public:
  enum class kind { text, integer, unsigned_integer, real, boolean };

  field(std::string_view key, std::string_view value)
    : key_(key), kind_(kind::text), text_(value) {
  }

  field(std::string_view key, const std::string& value)
    : field(key, std::string_view{value}) {
  }

  field(std::string_view key, const char* value)
    : field(key, std::string_view{value}) {
  }

  field(std::string_view key, bool value)
    : key_(key), kind_(kind::boolean), unsigned_(value ? 1 : 0) {
  }

  field(std::string_view key, double value)
    : key_(key), kind_(kind::real), real_(value) {
  }

  template <class Integer,
            class = std::enable_if_t<
              std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>>>
  field(std::string_view key, Integer value) : key_(key) {
    if constexpr (std::is_signed_v<Integer>) {
      kind_ = kind::integer;
      signed_ = value;
    } else {
      kind_ = kind::unsigned_integer;
      unsigned_ = value;
    }
  }

  std::string_view key() const {
    return key_;
  }

  /// Appends `key=value` (text, quoted where needed) or `"key":value`.
  void append_text(std::string& out) const;
  void append_json(std::string& out) const;

private:
  /// A number or a boolean: the same in text and in JSON.
  void append_scalar(std::string& out) const;

  std::string_view key_;
  kind kind_ = kind::text;
  std::string_view text_;
  int64_t signed_ = 0;
  uint64_t unsigned_ = 0;
  double real_ = 0;
};

using fields = std::initializer_list<field>;

enum class format { text, json };

/// Chooses how events are rendered. REQUIRES: called once at start-up,
/// before any thread logs.
void set_format(format x);

/// Whether an event at `x` would be written (cheap; check it before
/// computing costly fields of debug events).
bool enabled(level x);

/// Writes event `name` with `context` (fields every event of one actor
/// carries, for example its contract) followed by `fs`.
void write(level lvl, std::string_view name,
           const std::vector<std::pair<std::string, std::string>>& context,
           fields fs);

inline void event(level lvl, std::string_view name, fields fs = {}) {
  if (enabled(lvl))
    write(lvl, name, {}, fs);
}

inline void trace(std::string_view name, fields fs = {}) {
  event(level::trace, name, fs);
}

inline void debug(std::string_view name, fields fs = {}) {
  event(level::debug, name, fs);
}

inline void info(std::string_view name, fields fs = {}) {
  event(level::info, name, fs);
}

inline void warn(std::string_view name, fields fs = {}) {
  event(level::warn, name, fs);
}

inline void error(std::string_view name, fields fs = {}) {
  event(level::error, name, fs);
}

/// A contextual logger: the fields that identify one actor (`contract=C-17`),
/// written first in every event it logs.
class context {
public:
  context() = default;

  context(std::initializer_list<std::pair<std::string, std::string>> fs)
    : fields_(fs) {
  }

  void event(level lvl, std::string_view name, fields fs = {}) const {
    if (enabled(lvl))
      write(lvl, name, fields_, fs);
  }

  void debug(std::string_view name, fields fs = {}) const {
    event(level::debug, name, fs);
  }

  void info(std::string_view name, fields fs = {}) const {
    event(level::info, name, fs);
  }

  void warn(std::string_view name, fields fs = {}) const {
    event(level::warn, name, fs);
  }

  void error(std::string_view name, fields fs = {}) const {
    event(level::error, name, fs);
  }

private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

} // namespace onset::log
