#define CAF_SUITE crash
#include <fcntl.h>
#include <map>
#include <poll.h>
#include <random>
#include <set>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <caf/test/unit_test.hpp>

#include "persistence/device_store.hpp"
#include "persistence/history_store.hpp"
#include "persistence/outbox_store.hpp"
#include "tests/persistence/crash_workload.hpp"
#include "tests/support/persistence.hpp"

extern char** environ;

using namespace onset;
using namespace onset::persistence;
namespace crash = onset::test::crash;

namespace {

/// A child process of the crash helper, reporting lines on a pipe (its fd 3).
class child {
public:
  explicit child(std::vector<std::string> args) {
    int fds[2];
    CAF_REQUIRE_EQUAL(pipe2(fds, O_CLOEXEC), 0);
    // Keep the write end off fd 3 itself: dup2 onto the same fd would leave
    // it close-on-exec.
    int write_end = fcntl(fds[1], F_DUPFD_CLOEXEC, 10);
    close(fds[1]);
    fd_ = fds[0];
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, write_end, 3);
    std::vector<char*> argv;
    args.insert(args.begin(), ONSET_CRASH_HELPER);
    for (auto& arg : args)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    auto rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(),
                          environ);
    posix_spawn_file_actions_destroy(&actions);
    close(write_end);
    CAF_REQUIRE_EQUAL(rc, 0);
  }

  ~child() {
    kill();
    close(fd_);
  }

  /// Reads until `lines` holds at least `count` lines; false on EOF or if
  /// nothing arrives for 30 s (a stuck child).
  bool read_until(std::vector<std::string>& lines, size_t count) {
    while (lines.size() < count)
      if (!read_some(lines, 30'000))
        return false;
    return true;
  }

  /// SIGKILL, then collects every line the child wrote before it died.
  void kill_and_drain(std::vector<std::string>& lines) {
    kill();
    while (read_some(lines, 30'000)) {
      // until EOF
    }
  }

  void kill() {
    if (pid_ <= 0)
      return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    killed_by_sigkill_ = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  }

  /// False if the child exited on its own before the kill (it failed).
  bool killed_by_sigkill() const {
    return killed_by_sigkill_;
  }

private:
  bool read_some(std::vector<std::string>& lines, int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0)
      return false;
    char buf[4096];
    auto n = read(fd_, buf, sizeof(buf));
    if (n <= 0)
      return false;
    partial_.append(buf, static_cast<size_t>(n));
    for (auto pos = partial_.find('\n'); pos != std::string::npos;
         pos = partial_.find('\n')) {
      lines.push_back(partial_.substr(0, pos));
      partial_.erase(0, pos + 1);
    }
    return true;
  }

  pid_t pid_ = -1;
  int fd_ = -1;
  std::string partial_;
  bool killed_by_sigkill_ = false;
};

/// Batch -> indexes of its printers found in the device store; every
/// record must be the one its batch wrote.
using batches = std::map<uint64_t, std::set<int>>;

batches devices_present(read_txn& txn) {
  batches present;
  size_t wrong_records = 0;
  ONSET_OK(device_store::for_each(txn, [&](const device_state& x) {
    uint64_t batch = 0;
    int index = 0;
    if (std::sscanf(x.registration.id.str().c_str(), "b%lu-%d", &batch, &index)
          != 2
        || !(x == crash::device_of(batch, index)))
      ++wrong_records;
    present[batch].insert(index);
  }));
  CAF_CHECK_EQUAL(wrong_records, 0u);
  return present;
}

/// Every batch present is whole, and every reported batch is present.
void check_batches(const batches& present, const std::set<uint64_t>& reported) {
  size_t partial = 0;
  for (auto& [batch, indexes] : present)
    if (indexes.size() != static_cast<size_t>(crash::records_in(batch))) {
      CAF_MESSAGE("batch " << batch << " is partial: " << indexes.size()
                           << " of " << crash::records_in(batch));
      ++partial;
    }
  CAF_CHECK_EQUAL(partial, 0u);
  size_t lost = 0;
  for (auto batch : reported)
    if (present.count(batch) == 0) {
      CAF_MESSAGE("acknowledged batch " << batch << " is lost");
      ++lost;
    }
  CAF_CHECK_EQUAL(lost, 0u);
  // Committed but not yet reported: at most the round in flight.
  CAF_CHECK_LESS_OR_EQUAL(present.size(), reported.size() + crash::lanes);
}

/// The outbox and the history hold exactly the present batches' writes.
void check_outbox_and_history(read_txn& txn, const batches& present) {
  std::map<uint64_t, uint64_t> per_lane;
  size_t bad_instructions = 0;
  for (auto& [batch, indexes] : present) {
    ++per_lane[batch % crash::lanes];
    auto expected = crash::instruction_of(batch);
    auto stored
      = ONSET_VALUE(outbox_store::get(txn, expected.stream, expected.seq));
    if (!stored || !(*stored == expected))
      ++bad_instructions;
  }
  CAF_CHECK_EQUAL(bad_instructions, 0u);
  for (uint64_t lane = 0; lane < crash::lanes; ++lane)
    CAF_CHECK_EQUAL(
      ONSET_VALUE(outbox_store::last_seq(txn, crash::lane_stream(lane))),
      per_lane[lane]);
  auto history
    = ONSET_VALUE(history_store::list(txn, crash::history_contract()));
  std::set<std::string> details;
  for (auto& entry : history)
    details.insert(entry.detail);
  CAF_CHECK_EQUAL(history.size(), present.size());
  for (auto& [batch, indexes] : present)
    CAF_CHECK(details.count(crash::history_of(batch).detail) == 1);
}

/// Opens `dir` and checks what survived against what the writer reported.
void check_survivors(const std::string& dir,
                     const std::vector<std::string>& reports) {
  std::set<uint64_t> reported;
  for (auto& line : reports)
    reported.insert(std::stoull(line));
  environment_options opts;
  opts.directory = dir;
  auto env = test::open_env(opts);
  auto txn = env->begin_read();
  auto present = devices_present(txn);
  check_batches(present, reported);
  check_outbox_and_history(txn, present);
  CAF_CHECK(!reported.empty());
}

} // namespace

CAF_TEST(a writer killed at a random moment loses no acknowledged batch) {
  for (unsigned seed = 1; seed <= 24; ++seed) {
    std::mt19937 rng{seed};
    test::temp_dir dir;
    auto path = dir.path() + "/node";
    std::vector<std::string> reports;
    {
      child writer{{"writer", path}};
      auto wanted = 1 + rng() % 120;
      CAF_REQUIRE(writer.read_until(reports, wanted));
      // Somewhere inside the next commits.
      usleep(rng() % 3000);
      writer.kill_and_drain(reports);
      CAF_REQUIRE(writer.killed_by_sigkill());
    }
    CAF_MESSAGE("seed " << seed << ": killed after " << reports.size()
                        << " acknowledged batches");
    check_survivors(path, reports);
  }
}

CAF_TEST(slots of killed readers are cleared at the next open) {
  test::temp_dir dir;
  auto path = dir.path() + "/node";
  environment_options opts;
  opts.directory = path;
  std::vector<std::string> reports;
  {
    child writer{{"writer", path}};
    CAF_REQUIRE(writer.read_until(reports, 1));
    child reader{{"reader", path}};
    std::vector<std::string> reading;
    CAF_REQUIRE(reader.read_until(reading, 1));
    CAF_REQUIRE_EQUAL(reading.front(), "reading");
    CAF_REQUIRE(writer.read_until(reports, reports.size() + 20));
    reader.kill();
    CAF_REQUIRE(reader.killed_by_sigkill());
    CAF_MESSAGE("opened while the writer lives, the reader's slot is stale");
    {
      auto env = test::open_env(opts);
      CAF_CHECK_GREATER_OR_EQUAL(env->readers_cleared_at_open(), 1);
      CAF_CHECK_EQUAL(env->check_readers(), 0);
    }
    CAF_REQUIRE(writer.read_until(reports, reports.size() + 20));
    writer.kill_and_drain(reports);
    CAF_REQUIRE(writer.killed_by_sigkill());
  }
  CAF_MESSAGE("with every process gone, LMDB resets the reader table");
  check_survivors(path, reports);
  auto env = test::open_env(opts);
  CAF_CHECK_EQUAL(env->readers_cleared_at_open(), 0);
  CAF_CHECK_EQUAL(env->check_readers(), 0);
}
