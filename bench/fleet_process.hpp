// An onset-fleet process (docs/endpoints.md) started by onset-bench in its
// own directory, managing the bench's printers and serving every smart
// service, with the endpoints file that sends a node's instructions to it.
// No CAF in this header.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "messages/device_record.hpp"

namespace onset::bench {

/// What onset-fleet logged at its stop (`fleet.stopped`): the applies and
/// reads it performed and the instructions and targets they carried.
struct fleet_totals {
  uint64_t applies = 0;
  uint64_t instructions = 0;
  uint64_t reads = 0;
  uint64_t read_targets = 0;
};

/// How the nodes use the endpoint: the endpoints file's `max_batch` and
/// `connections`; 0 leaves the file's default.
struct endpoint_tuning {
  size_t max_batch = 0;
  size_t connections = 0;
};

class fleet_process {
public:
  /// Writes DIR/token (mode 0600) and DIR/printers.json (`printers`),
  /// starts onset-fleet on a free loopback port with its data in DIR/data
  /// and its JSON log appended to DIR/fleet.log, waits until it logged
  /// `fleet.listening`, and writes DIR/endpoints.json (the printers and
  /// every service at it, used as `tuning` says). The binary is $ONSET_FLEET if
  /// set, else this build's onset-fleet. Throws std::runtime_error (stopping
  /// it) if it exits or does not listen within `ready_timeout`.
  fleet_process(std::string dir, const std::vector<device_record>& printers,
                std::chrono::seconds ready_timeout,
                endpoint_tuning tuning = {});

  /// Stops it if it still runs.
  ~fleet_process();

  fleet_process(const fleet_process&) = delete;
  fleet_process& operator=(const fleet_process&) = delete;

  /// SIGTERM (SIGKILL after 15 s); returns the totals it logged at its
  /// stop. Throws std::runtime_error if it logged none.
  fleet_totals stop();

  /// For `onset-node --endpoints`.
  std::string endpoints_file() const {
    return dir_ + "/endpoints.json";
  }
  std::string log_path() const {
    return dir_ + "/fleet.log";
  }
  /// 0 once stopped.
  int pid() const {
    return pid_;
  }
  uint16_t port() const {
    return port_;
  }

private:
  std::string dir_;
  int pid_ = 0;
  uint16_t port_ = 0;
};

} // namespace onset::bench
