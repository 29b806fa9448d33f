#include "bench/log_events.hpp"

#include <cstdio>
#include <ctime>
#include <fstream>

#include <nlohmann/json.hpp>

namespace onset::bench {

nlohmann::json event_of(const std::string& line) {
  if (line.empty() || line.front() != '{')
    return nlohmann::json(nlohmann::json::value_t::discarded);
  auto result = nlohmann::json::parse(line, nullptr, false);
  if (result.is_discarded() || !result.is_object() || !result.contains("event")
      || !result["event"].is_string())
    return nlohmann::json(nlohmann::json::value_t::discarded);
  return result;
}

void for_each_event(const std::string& path,
                    const std::function<void(const nlohmann::json&)>& f) {
  std::ifstream in{path};
  for (std::string line; std::getline(in, line);)
    if (auto x = event_of(line); !x.is_discarded())
      f(x);
}

uint64_t count_events(const std::string& path, const std::string& name) {
  uint64_t result = 0;
  for_each_event(path, [&](const nlohmann::json& x) {
    if (x["event"] == name)
      ++result;
  });
  return result;
}

int64_t event_time_ms(const nlohmann::json& event) {
  auto i = event.find("time");
  if (i == event.end() || !i->is_string())
    return 0;
  auto text = i->get<std::string>();
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &tm.tm_year,
                  &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
                  &ms)
      < 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(::timegm(&tm)) * 1000 + ms;
}

} // namespace onset::bench
