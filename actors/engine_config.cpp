#include "actors/engine_config.hpp"

namespace onset {

wall_clock system_wall_clock() {
  return [] {
    using namespace std::chrono;
    auto now = system_clock::now().time_since_epoch();
    return utc_time{duration_cast<seconds>(now).count()};
  };
}

} // namespace onset
