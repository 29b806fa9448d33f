// The child processes of the crash test; the parent kills them with SIGKILL.
//
//   onset-persistence-crash-helper writer DIR
//     Writes the crash workload (crash_workload.hpp) through a detached
//     STORE actor, and reports each batch on fd 3 ("<batch>\n") once its
//     write is acknowledged, i.e. committed.
//   onset-persistence-crash-helper reader DIR
//     Opens DIR, begins a read transaction, reports "reading\n" on fd 3 and
//     waits to be killed, holding its reader slot.
#include <cstdio>
#include <cstring>
#include <spdlog/spdlog.h>
#include <string>
#include <unistd.h>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/spawn_options.hpp>

#include "persistence/store_actor.hpp"
#include "tests/persistence/crash_workload.hpp"

using namespace onset;
using namespace onset::persistence;

namespace {

constexpr int report_fd = 3;

void report(const std::string& line) {
  auto text = line + "\n";
  if (::write(report_fd, text.data(), text.size())
      != static_cast<ssize_t>(text.size()))
    std::_Exit(3);
}

std::unique_ptr<environment> open(const std::string& dir) {
  environment_options opts;
  opts.directory = dir;
  auto env = environment::open(opts);
  if (!env) {
    std::fprintf(stderr, "open %s: %s\n", dir.c_str(),
                 to_string(env.error()).c_str());
    std::_Exit(2);
  }
  return std::move(*env);
}

int writer(const std::string& dir) {
  auto env = open(dir);
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  auto store = sys.spawn<caf::detached>(persistence::store_behavior, env.get());
  caf::scoped_actor self{sys};
  for (uint64_t round = 0;; ++round) {
    std::vector<uint64_t> batches;
    using handle_type = decltype(self->request(store, caf::infinite,
                                               atom::write_v, write_batch{}));
    std::vector<handle_type> handles;
    for (uint64_t lane = 0; lane < test::crash::lanes; ++lane) {
      auto batch = round * test::crash::lanes + lane;
      batches.push_back(batch);
      handles.push_back(self->request(store, caf::infinite, atom::write_v,
                                      write_batch{[batch](write_txn& txn) {
                                        return to_error(
                                          test::crash::write(txn, batch));
                                      }}));
    }
    for (size_t i = 0; i < handles.size(); ++i)
      handles[i].receive([&](atom::ok) { report(std::to_string(batches[i])); },
                         [&](caf::error& err) {
                           std::fprintf(
                             stderr, "batch %llu: %s\n",
                             static_cast<unsigned long long>(batches[i]),
                             to_string(err).c_str());
                           std::_Exit(2);
                         });
  }
}

int reader(const std::string& dir) {
  auto env = open(dir);
  auto txn = env->begin_read();
  if (!txn)
    return 2;
  report("reading");
  for (;;)
    ::pause();
}

} // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  if (argc == 3 && std::strcmp(argv[1], "writer") == 0)
    return writer(argv[2]);
  if (argc == 3 && std::strcmp(argv[1], "reader") == 0)
    return reader(argv[2]);
  std::fprintf(stderr, "usage: %s writer|reader DIR\n", argv[0]);
  return 1;
}
