#include "bench/node_figures.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "actors/step_latency.hpp"
#include "bench/log_events.hpp"

namespace onset::bench {

memory memory_of(int pid) {
  memory result;
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  auto kib = [&](const char* key, uint64_t& out) {
    auto len = std::char_traits<char>::length(key);
    if (line.compare(0, len, key) == 0)
      out = std::strtoull(line.c_str() + len, nullptr, 10) * 1024;
  };
  while (std::getline(in, line)) {
    kib("VmHWM:", result.peak_rss);
    kib("VmRSS:", result.rss);
    kib("RssAnon:", result.rss_anon);
  }
  return result;
}

double cpu_seconds_of(int pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string stat;
  std::getline(in, stat);
  // The command name (field 2) may hold spaces: count fields after its ')'.
  auto close = stat.rfind(')');
  if (close == std::string::npos)
    return 0;
  std::istringstream fields{stat.substr(close + 2)};
  std::string x;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> x; ++i) {
    if (i == 14)
      utime = std::strtoull(x.c_str(), nullptr, 10);
    if (i == 15)
      stime = std::strtoull(x.c_str(), nullptr, 10);
  }
  return static_cast<double>(utime + stime)
         / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

uint64_t written_bytes_of(int pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/io"};
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, 12, "write_bytes:") == 0)
      return std::strtoull(line.c_str() + 12, nullptr, 10);
  return 0;
}

machine_cpu machine_cpu_now() {
  std::ifstream in{"/proc/stat"};
  std::string name;
  uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0,
           softirq = 0, steal = 0;
  if (!(in >> name >> user >> nice >> system >> idle >> iowait >> irq >> softirq
        >> steal)
      || name != "cpu")
    return {};
  return {user + nice + system + irq + softirq + steal, idle, iowait};
}

cpu_shares shares_between(const machine_cpu& from, const machine_cpu& to) {
  auto busy = static_cast<double>(to.busy - from.busy);
  auto iowait = static_cast<double>(to.iowait - from.iowait);
  auto all = busy + iowait + static_cast<double>(to.idle - from.idle);
  if (all <= 0)
    return {};
  return {100 * busy / all, 100 * iowait / all};
}

std::optional<double> metric_sum(const std::string& text,
                                 const std::string& name,
                                 const std::string& label) {
  // A sample line: `name value` or `name{k="v",...} value`; comments start
  // with `#`. Label values here hold no spaces (docs/operations.md).
  std::optional<double> result;
  std::istringstream lines{text};
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#'
        || line.compare(0, name.size(), name) != 0)
      continue;
    auto rest = line.substr(name.size());
    if (rest.empty() || (rest[0] != ' ' && rest[0] != '{'))
      continue;
    auto value_at = rest.rfind(' ');
    if (!label.empty()
        && rest.substr(0, value_at).find(label) == std::string::npos)
      continue;
    result = result.value_or(0)
             + std::strtod(rest.c_str() + value_at + 1, nullptr);
  }
  return result;
}

store_totals store_totals_of_metrics(const std::string& text) {
  store_totals result;
  auto commits = metric_sum(text, "onset_store_round_records_count");
  auto records = metric_sum(text, "onset_store_round_records_sum");
  auto batches = metric_sum(text, "onset_store_batches_total");
  if (!commits || !records || !batches)
    return result;
  result.found = true;
  result.commits = static_cast<uint64_t>(*commits);
  result.records = static_cast<uint64_t>(*records);
  result.batches = static_cast<uint64_t>(*batches);
  return result;
}

bool add_latency_of(const std::string& log_path, std::vector<uint64_t>& into) {
  std::string buckets;
  bool found = false;
  std::ifstream in{log_path};
  for (std::string line; std::getline(in, line);) {
    if (auto x = event_of(line); !x.is_discarded()) {
      if (x["event"] == "step.latency" && x.contains("buckets")
          && x["buckets"].is_string()) {
        buckets = x["buckets"].get<std::string>();
        found = true;
      }
    } else if (line.find(" step.latency ") != std::string::npos) {
      auto at = line.find(" buckets=");
      if (at == std::string::npos)
        continue;
      buckets = line.substr(at + 9);
      found = true;
    }
  }
  if (!found)
    return false;
  into.resize(actors::step_latency::bucket_count);
  std::istringstream items{buckets};
  std::string item;
  while (std::getline(items, item, ',')) {
    auto colon = item.find(':');
    if (colon == std::string::npos)
      continue;
    auto bucket = std::strtoull(item.c_str(), nullptr, 10);
    auto count = std::strtoull(item.c_str() + colon + 1, nullptr, 10);
    if (bucket < into.size())
      into[bucket] += count;
  }
  return true;
}

active_watch::active_watch(std::vector<std::string> log_paths) {
  for (auto& x : log_paths)
    logs_.push_back({std::move(x), 0, {}});
}

void active_watch::poll() {
  for (auto& f : logs_) {
    std::ifstream in{f.path, std::ios::binary};
    if (!in)
      continue;
    in.seekg(f.offset);
    std::string chunk{std::istreambuf_iterator<char>{in},
                      std::istreambuf_iterator<char>{}};
    f.offset += static_cast<long long>(chunk.size());
    f.partial += chunk;
    size_t start = 0;
    for (auto end = f.partial.find('\n'); end != std::string::npos;
         end = f.partial.find('\n', start)) {
      line(f.partial.substr(start, end - start));
      start = end + 1;
    }
    f.partial.erase(0, start);
  }
}

void active_watch::line(const std::string& text) {
  // `contract.transition` with `to` active: the CONTRACT logs it once the
  // commit of its state is done.
  auto x = event_of(text);
  int64_t at = 0;
  if (!x.is_discarded()) {
    if (x["event"] != "contract.transition"
        || x.value("to", std::string{}) != "active")
      return;
    at = event_time_ms(x);
  } else {
    // A node whose CONTRACT still writes the transition as prose inside
    // the JSON line: `{"time":"...Z",...,[contract C-1] transition
    // provisioning->active ...}`.
    auto time = text.find(R"("time":")");
    if (text.find(" transition provisioning->active ") == std::string::npos
        || time == std::string::npos)
      return;
    auto end = text.find('"', time + 8);
    at = event_time_ms(
      nlohmann::json{{"time", text.substr(time + 8, end - time - 8)}});
  }
  if (at == 0)
    return;
  ++count_;
  if (first_ms_ == 0 || at < first_ms_)
    first_ms_ = at;
  last_ms_ = std::max(last_ms_, at);
}

} // namespace onset::bench
