#include "actors/engine_config.hpp"

namespace onset::actors {

wall_clock system_wall_clock() {
  return [] {
    using namespace std::chrono;
    auto now = system_clock::now().time_since_epoch();
    return utc_time{duration_cast<seconds>(now).count()};
  };
}

std::chrono::nanoseconds system_into_second() {
  using namespace std::chrono;
  auto now = system_clock::now().time_since_epoch();
  return duration_cast<nanoseconds>(now - duration_cast<seconds>(now));
}

} // namespace onset::actors
