#include "bench/fleet_process.hpp"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "bench/local_cluster.hpp"
#include "bench/log_events.hpp"
#include "bench/program_path.hpp"
#include "messages/device_json.hpp"

namespace onset::bench {

namespace {

using clock_type = std::chrono::steady_clock;

std::string fleet_binary() {
  return program_path("ONSET_FLEET", "onset-fleet", ONSET_FLEET_BINARY);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::trunc};
  out << text;
  out.close();
  if (!out)
    throw std::runtime_error("cannot write " + path);
}

/// A fresh random token, readable by its owner only (onset-fleet and
/// onset-node refuse a token file anyone else can read).
void write_token(const std::string& path) {
  std::random_device rd;
  char buf[33];
  std::snprintf(buf, sizeof(buf), "%08x%08x%08x%08x", rd(), rd(), rd(), rd());
  std::string text = std::string{buf} + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool written = fd >= 0 && ::fchmod(fd, 0600) == 0
                 && ::write(fd, text.data(), text.size())
                      == static_cast<ssize_t>(text.size());
  if (fd >= 0)
    ::close(fd);
  if (!written)
    throw std::runtime_error("cannot write " + path);
}

/// The `fleet.listening` events in `log`, and the port of the last (0 if
/// none).
std::pair<size_t, uint16_t> listening(const std::string& log) {
  std::pair<size_t, uint16_t> result{0, 0};
  for_each_event(log, [&](const nlohmann::json& x) {
    if (x.value("event", "") != "fleet.listening")
      return;
    ++result.first;
    result.second = x.contains("port") && x["port"].is_number_unsigned()
                      ? x["port"].get<uint16_t>()
                      : 0;
  });
  return result;
}

} // namespace

fleet_process::fleet_process(std::string dir,
                             const std::vector<device_record>& printers,
                             std::chrono::seconds ready_timeout,
                             fleet_settings settings)
  : dir_(std::move(dir)), ready_timeout_(ready_timeout) {
  std::filesystem::create_directories(dir_);
  auto token = dir_ + "/token";
  write_token(token);
  auto records = nlohmann::json::array();
  for (auto& x : printers)
    records.push_back(to_json(x));
  write_file(dir_ + "/printers.json", records.dump() + "\n");
  argv_ = {fleet_binary(),
           "--data-dir",
           data_dir(),
           "--printers",
           dir_ + "/printers.json",
           "--token-file",
           token,
           "--log-level",
           "info",
           "--log-format",
           "json"};
  argv_.insert(argv_.end(), settings.args.begin(), settings.args.end());
  launch(settings.port, listening(log_path()).first);
  nlohmann::json endpoint{{"url", "http://127.0.0.1:" + std::to_string(port_)},
                          {"token_file", token}};
  if (!settings.idempotent)
    endpoint["idempotent"] = false;
  if (settings.timeout_ms > 0)
    endpoint["timeout_ms"] = settings.timeout_ms;
  if (settings.max_batch > 0)
    endpoint["max_batch"] = settings.max_batch;
  if (settings.connections > 0)
    endpoint["connections"] = settings.connections;
  nlohmann::json file{{"printers", endpoint}, {"services", {{"*", endpoint}}}};
  write_file(endpoints_file(), file.dump(2) + "\n");
}

void fleet_process::launch(uint16_t port, size_t before) {
  auto argv = argv_;
  argv.insert(argv.end(), {"--port", std::to_string(port)});
  pid_ = start_logged(argv, log_path());
  auto deadline = clock_type::now() + ready_timeout_;
  for (;;) {
    auto [count, bound] = listening(log_path());
    if (count > before && bound != 0) {
      port_ = bound;
      return;
    }
    if (reaped(pid_)) {
      pid_ = 0;
      throw std::runtime_error("onset-fleet exited at start (log: " + log_path()
                               + ")");
    }
    if (clock_type::now() > deadline) {
      stop_process(pid_, clock_type::now() + std::chrono::seconds{15});
      pid_ = 0;
      throw std::runtime_error("onset-fleet not listening after "
                               + std::to_string(ready_timeout_.count())
                               + " s (log: " + log_path() + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

void fleet_process::kill() {
  if (pid_ == 0)
    return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = 0;
}

void fleet_process::pause() {
  if (pid_ != 0)
    ::kill(pid_, SIGSTOP);
}

void fleet_process::resume() {
  if (pid_ != 0)
    ::kill(pid_, SIGCONT);
}

void fleet_process::restart() {
  if (pid_ != 0)
    throw std::runtime_error("onset-fleet still runs");
  launch(port_, listening(log_path()).first);
}

fleet_process::~fleet_process() {
  if (pid_ != 0)
    stop_process(pid_, clock_type::now() + std::chrono::seconds{15});
}

fleet_totals fleet_process::stop() {
  if (pid_ != 0)
    stop_process(pid_, clock_type::now() + std::chrono::seconds{15});
  pid_ = 0;
  fleet_totals result;
  bool found = false;
  for_each_event(log_path(), [&](const nlohmann::json& x) {
    if (x.value("event", "") != "fleet.stopped" || !x.contains("applies"))
      return;
    found = true;
    result.applies = x.value("applies", uint64_t{0});
    result.instructions = x.value("instructions", uint64_t{0});
    result.reads = x.value("reads", uint64_t{0});
    result.read_targets = x.value("read_targets", uint64_t{0});
  });
  if (!found)
    throw std::runtime_error(
      "onset-fleet logged no fleet.stopped totals (log: " + log_path() + ")");
  return result;
}

} // namespace onset::bench
