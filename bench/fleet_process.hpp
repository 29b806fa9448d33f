// An onset-fleet process (docs/endpoints.md) started by onset-bench or
// onset-chaos in its own directory, managing their printers and serving
// every smart service, with the endpoints file that sends a node's
// instructions to it; onset-chaos also kills, freezes and restarts it (on
// the same port and data directory). No CAF in this header.
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

/// How onset-fleet is started beyond its data, printers, token and port.
struct fleet_settings {
  /// More onset-fleet options (faults, --catalog, --state-only, ...).
  std::vector<std::string> args;
  /// The endpoints file's `idempotent` (false with --state-only).
  bool idempotent = true;
  /// The endpoints file's `timeout_ms`; 0: onset-node's default.
  int timeout_ms = 0;
  /// The endpoints file's `max_batch` and `connections`; 0: its defaults.
  size_t max_batch = 0;
  size_t connections = 0;
  /// The port to listen on; 0: a free one the kernel picks (from its
  /// ephemeral range: give one of free_ports() to a process restarted
  /// after a kill).
  uint16_t port = 0;
};

class fleet_process {
public:
  /// Writes DIR/token (mode 0600) and DIR/printers.json (`printers`),
  /// starts onset-fleet on loopback (`settings.port`) with its data in DIR/data
  /// and its JSON log appended to DIR/fleet.log, waits until it logged
  /// `fleet.listening`, and writes DIR/endpoints.json (the printers and
  /// every service at it). The binary is $ONSET_FLEET if set, else this
  /// build's onset-fleet. Throws std::runtime_error (stopping it) if it
  /// exits or does not listen within `ready_timeout`.
  fleet_process(std::string dir, const std::vector<device_record>& printers,
                std::chrono::seconds ready_timeout,
                fleet_settings settings = {});

  /// Stops it if it still runs.
  ~fleet_process();

  fleet_process(const fleet_process&) = delete;
  fleet_process& operator=(const fleet_process&) = delete;

  /// SIGTERM (SIGKILL after 15 s); returns the totals it logged at its
  /// stop. Throws std::runtime_error if it logged none.
  fleet_totals stop();

  /// SIGKILL, and reaps it. Nothing happens if it does not run.
  void kill();

  /// SIGSTOP and SIGCONT.
  void pause();
  void resume();

  /// Starts it again after kill() with the same options on the same port
  /// and data directory, and waits until it logged `fleet.listening`
  /// again. Throws std::runtime_error if it exits or does not listen in
  /// time.
  void restart();

  /// Its LMDB data directory.
  std::string data_dir() const {
    return dir_ + "/data";
  }

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
  /// Starts `argv_` with --port `port` and waits until it logs one more
  /// `fleet.listening` than `before`; sets pid_ and port_.
  void launch(uint16_t port, size_t before);

  std::string dir_;
  std::vector<std::string> argv_;
  std::chrono::seconds ready_timeout_;
  int pid_ = 0;
  uint16_t port_ = 0;
};

} // namespace onset::bench
