#include "nodes/inspect_command.hpp"

#include <iostream>
#include <map>

#include <nlohmann/json.hpp>

#include "persistence/environment.hpp"
#include "persistence/receiver_ledger.hpp"

namespace onset {

namespace {

struct stream_report {
  uint64_t applied = 0;
  uint64_t effects = 0;
  uint64_t duplicated = 0;
  /// Seqs up to `applied` with no counted effect, and counted seqs beyond
  /// `applied`.
  uint64_t gaps = 0;
  uint64_t max_count = 0;
};

} // namespace

int run_inspect(const inspect_options& options) {
  persistence::environment_options opts;
  opts.directory = options.data_dir;
  opts.reader_check_interval = std::chrono::seconds{0};
  auto env = persistence::environment::open(opts);
  if (!env) {
    std::cerr << "onset-node: cannot read " << options.data_dir << ": "
              << persistence::to_string(env.error()) << '\n';
    return 2;
  }
  std::map<stream_id, stream_report> streams;
  std::map<stream_id, uint64_t> next_seq;
  {
    auto txn = (*env)->begin_read();
    if (!txn) {
      std::cerr << "onset-node: " << persistence::to_string(txn.error())
                << '\n';
      return 2;
    }
    auto walked = persistence::receiver_ledger::for_each_effect(
      txn, [&](const stream_id& s, uint64_t seq, uint64_t count) {
        auto& r = streams[s];
        auto& expected = next_seq.emplace(s, 1).first->second;
        // Ordered by seq: any jump is a missing instruction.
        if (seq != expected)
          r.gaps += seq > expected ? seq - expected : 1;
        expected = seq + 1;
        ++r.effects;
        r.max_count = std::max(r.max_count, count);
        if (count > 1)
          ++r.duplicated;
      });
    if (!walked) {
      std::cerr << "onset-node: " << persistence::to_string(walked.error())
                << '\n';
      return 2;
    }
    for (auto& [s, r] : streams) {
      auto applied = persistence::receiver_ledger::applied(txn, s);
      if (!applied) {
        std::cerr << "onset-node: " << persistence::to_string(applied.error())
                  << '\n';
        return 2;
      }
      r.applied = *applied;
      if (r.effects != r.applied)
        r.gaps += r.effects > r.applied ? r.effects - r.applied
                                        : r.applied - r.effects;
    }
  }
  uint64_t instructions = 0, duplicated = 0, gaps = 0, max_count = 0;
  nlohmann::json per_stream = nlohmann::json::array();
  for (auto& [s, r] : streams) {
    instructions += r.effects;
    duplicated += r.duplicated;
    gaps += r.gaps;
    max_count = std::max(max_count, r.max_count);
    if (options.verbose)
      per_stream.push_back({{"stream", s.to_string()},
                            {"applied", r.applied},
                            {"effects", r.effects},
                            {"duplicated", r.duplicated},
                            {"gaps", r.gaps}});
  }
  bool ok = duplicated == 0 && gaps == 0;
  if (options.json) {
    nlohmann::json out{{"streams", streams.size()},
                       {"instructions", instructions},
                       {"duplicated", duplicated},
                       {"gaps", gaps},
                       {"max_effect_count", max_count},
                       {"ok", ok}};
    if (options.verbose)
      out["per_stream"] = per_stream;
    std::cout << out.dump() << '\n';
  } else {
    std::cout << "streams=" << streams.size()
              << " instructions=" << instructions
              << " duplicated=" << duplicated << " gaps=" << gaps
              << " max_effect_count=" << max_count
              << (ok ? " ok" : " VIOLATED") << '\n';
    if (options.verbose)
      for (auto& x : per_stream)
        std::cout << "  " << x.dump() << '\n';
  }
  return ok ? 0 : 1;
}

} // namespace onset
