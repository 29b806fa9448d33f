// `onset wait ID... --state S --timeout SECONDS`: polls the node until
// every named contract is in state S, drawing a progress bar (steps acked of
// total, over all the contracts) on stderr while it waits.
#include "nodes/cli/commands.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "messages/contract_state.hpp"
#include "nodes/cli/exit_code.hpp"
#include "nodes/cli/progress_bar.hpp"
#include "nodes/cli/server_options.hpp"

namespace onset::cli {

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// How often the node is asked.
constexpr milliseconds poll_interval{250};

/// The most one poll waits for its answer.
constexpr milliseconds max_request_timeout{10000};

struct wait_options {
  server_options server;
  std::vector<std::string> ids;
  std::string state = "active";
  double timeout_seconds = 60;
};

std::string check_state(const std::string& text) {
  if (parse_contract_state(text))
    return {};
  return "'" + text
         + "' is not a contract state (scheduled, provisioning, "
           "active, degraded, deprovisioning, ended)";
}

/// Why a contract cannot reach `want` any more without an operator, or
/// empty. Only `degraded` (resumable with `onset retry`) and `ended`
/// (terminal) stop the wait early.
std::string stuck(const contract_summary& x, contract_state want) {
  if (x.state == want)
    return {};
  if (x.state == contract_state::degraded)
    return x.id.str() + " is degraded: "
           + (x.reason.empty() ? "no reason given" : x.reason);
  if (x.state == contract_state::ended)
    return x.id.str() + " has ended";
  return {};
}

class waiter {
public:
  waiter(const wait_options& o, contract_state want)
    : o_(o),
      want_(want),
      deadline_(clock_type::now() + to_timeout(o.timeout_seconds)),
      bar_(std::cerr, isatty(STDERR_FILENO) != 0) {
  }

  int run(api_client& gw) {
    for (;;) {
      gw.set_timeout(request_timeout());
      auto all = gw.list_contracts();
      if (!all) {
        bar_.finish();
        return report(all.error());
      }
      std::map<contract_id, contract_summary> latest;
      for (auto& x : all.value())
        latest.emplace(x.id, x);
      std::vector<contract_summary> mine;
      for (auto& id : o_.ids) {
        auto i = latest.find(contract_id{id});
        if (i == latest.end()) {
          bar_.finish();
          std::cerr << "onset: refused: unknown_contract: " << id << '\n';
          return exit_refused;
        }
        mine.push_back(i->second);
      }
      if (auto rc = judge(mine); rc >= 0)
        return rc;
      auto left = deadline_ - clock_type::now();
      if (left <= clock_type::duration::zero())
        return timed_out(mine);
      std::this_thread::sleep_for(
        std::min<clock_type::duration>(poll_interval, left));
    }
  }

private:
  api_client::duration request_timeout() const {
    auto left
      = std::chrono::duration_cast<milliseconds>(deadline_ - clock_type::now());
    return std::clamp(left, milliseconds{1000}, max_request_timeout);
  }

  /// An exit code once the wait is over, else -1.
  int judge(const std::vector<contract_summary>& xs) {
    uint64_t acked = 0;
    uint64_t total = 0;
    size_t there = 0;
    for (auto& x : xs) {
      acked += x.steps_acked;
      total += x.steps_total;
      there += x.state == want_ ? 1 : 0;
    }
    bar_.update(acked, total,
                std::to_string(there) + "/" + std::to_string(xs.size()) + " "
                  + to_string(want_));
    for (auto& x : xs) {
      if (auto why = stuck(x, want_); !why.empty()) {
        bar_.finish();
        std::cerr << "onset: " << why << '\n';
        return exit_refused;
      }
    }
    if (there < xs.size())
      return -1;
    bar_.finish();
    for (auto& x : xs)
      std::cout << x.id << ": " << to_string(x.state) << '\n';
    return exit_ok;
  }

  int timed_out(const std::vector<contract_summary>& xs) {
    bar_.finish();
    std::cerr << "onset: timed out after " << o_.timeout_seconds
              << " s waiting for " << to_string(want_) << ":";
    for (auto& x : xs)
      if (x.state != want_)
        std::cerr << ' ' << x.id << '=' << to_string(x.state) << '('
                  << x.steps_acked << '/' << x.steps_total << ')';
    std::cerr << '\n';
    return exit_timed_out;
  }

  const wait_options& o_;
  contract_state want_;
  clock_type::time_point deadline_;
  progress_bar bar_;
};

int run_wait(const wait_options& o) {
  auto want = parse_contract_state(o.state);
  auto connect = o;
  connect.server.timeout_seconds
    = std::min(o.timeout_seconds, max_request_timeout.count() / 1000.0);
  return with_server(connect.server, [&](api_client& gw) {
    return waiter{o, *want}.run(gw);
  });
}

} // namespace

void add_wait_command(CLI::App& app, int& rc) {
  auto o = std::make_shared<wait_options>();
  auto* wait = app.add_subcommand(
    "wait", "Wait until contracts reach a state, with a progress bar");
  wait->add_option("ids", o->ids, "Contract ids")->required();
  wait->add_option("--state", o->state, "State to wait for")
    ->check(CLI::Validator{check_state, "STATE", "contract state"})
    ->capture_default_str();
  wait
    ->add_option("--timeout", o->timeout_seconds,
                 "Seconds to wait in all before giving up (exit code 4)")
    ->check(CLI::PositiveNumber)
    ->capture_default_str();
  add_server_address_options(*wait, o->server);
  wait->callback([o, &rc] { rc = run_wait(*o); });
}

} // namespace onset::cli
