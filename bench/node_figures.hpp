// What onset-bench reads back from the node processes: memory and CPU time
// from /proc while a node runs; from a running node's /metrics
// (docs/operations.md) the STORE's totals and the steps acknowledged; from
// a stopped node's JSON log (--log-format json, bench/log_events.hpp) the
// CONTRACT actors' fine step latency histogram (the event
// actors/contract_supervisor.cpp logs at exit), and, while they run, the
// contracts they log as turning active. No CAF.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onset::bench {

/// Memory of a running process, in bytes; 0 where /proc does not say.
struct memory {
  /// VmHWM: the peak resident set.
  uint64_t peak_rss = 0;
  /// VmRSS and its anonymous part (RssAnon: the heap, without the pages of
  /// the LMDB map, which are file-backed).
  uint64_t rss = 0;
  uint64_t rss_anon = 0;
};

memory memory_of(int pid);

/// CPU time (user + system) a running process has used, in seconds.
double cpu_seconds_of(int pid);

/// Bytes a running process has caused to be written to storage since it
/// started (`write_bytes` of /proc/PID/io: for a node, the pages its LMDB
/// commits write), 0 where /proc does not say. Counted when the kernel
/// takes the write, so the pages of a commit count once, whatever the disk
/// cache does with them afterwards.
uint64_t written_bytes_of(int pid);

/// The whole machine's CPU time since boot, in clock ticks summed over its
/// CPUs (the `cpu` line of /proc/stat), so that it counts every process,
/// not only the nodes. All 0 where /proc does not say.
struct machine_cpu {
  /// user, nice, system, irq, softirq and steal.
  uint64_t busy = 0;
  uint64_t idle = 0;
  /// Idle with a disk request outstanding (the STOREs' fdatasync).
  uint64_t iowait = 0;
};

machine_cpu machine_cpu_now();

/// The busy and iowait shares, in percent, of the CPU time between two
/// readings; 0 if none passed.
struct cpu_shares {
  double busy_pct = 0;
  double iowait_pct = 0;
};

cpu_shares shares_between(const machine_cpu& from, const machine_cpu& to);

/// The sum of the samples `name` in `text`, a node's /metrics (Prometheus
/// text format 0.0.4), whose labels include `label` (`key="value"`; empty:
/// any). Nullopt if no sample is named so.
std::optional<double> metric_sum(const std::string& text,
                                 const std::string& name,
                                 const std::string& label = "");

/// A node's STORE totals, from its /metrics: committed rounds
/// (`onset_store_round_records_count`), batches
/// (`onset_store_batches_total`), records (`onset_store_round_records_sum`).
struct store_totals {
  bool found = false;
  uint64_t commits = 0;
  uint64_t batches = 0;
  uint64_t records = 0;
};

store_totals store_totals_of_metrics(const std::string& text);

/// The bucket counts (`buckets`, "bucket:count,...") of the last
/// `step.latency` event of a log (actors/step_latency.hpp), added into
/// `into` (sized on first use).
/// Returns whether the log had one.
bool add_latency_of(const std::string& log_path, std::vector<uint64_t>& into);

/// Follows the logs of the contracts nodes while they run and counts the
/// contracts they log as turning active (event `contract.transition` with
/// `to` active), with the log time of the first and the last.
/// Reading logs costs the nodes nothing, unlike asking them for every
/// contract's status.
class active_watch {
public:
  explicit active_watch(std::vector<std::string> log_paths);

  /// Reads what the logs gained since the last call.
  void poll();

  int count() const {
    return count_;
  }

  /// Milliseconds since the epoch (UTC), as the lines say; 0 before any.
  int64_t first_ms() const {
    return first_ms_;
  }
  int64_t last_ms() const {
    return last_ms_;
  }

private:
  struct followed {
    std::string path;
    long long offset = 0;
    std::string partial;
  };

  void line(const std::string& text);

  std::vector<followed> logs_;
  int count_ = 0;
  int64_t first_ms_ = 0;
  int64_t last_ms_ = 0;
};

} // namespace onset::bench
