// `onset wait ID... --state S --timeout SECONDS`: reads the named
// contracts' status once, then follows the event feed (docs/events.md, long
// polls of `GET /v1/events`) until every one is in state S, drawing a
// progress bar (steps acked of total, over all the contracts) on stderr
// while it waits.
#include "nodes/cli/commands.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "messages/contract_state.hpp"
#include "nodes/cli/exit_code.hpp"
#include "nodes/cli/progress_bar.hpp"
#include "nodes/cli/server_options.hpp"

namespace onset::cli {

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

/// The longest long poll of the feed (the API allows 30 s).
constexpr seconds max_long_poll{20};

/// The most a request waits for its answer beyond the time the node holds
/// it (a long poll's `wait`).
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

std::string field_text(const nlohmann::json& x, const char* key) {
  auto i = x.find(key);
  return i != x.end() && i->is_string() ? i->get<std::string>() : "";
}

/// One answer of the feed: its events and where to read on.
struct feed_page {
  nlohmann::json events;
  std::string next;
  bool more = false;
};

/// `GET target` as a feed page; a page without `events` or `next` is the
/// server's failure, never trusted.
reply<feed_page> read_feed(api_client& api, const std::string& target) {
  auto text = api.get_json_text(target);
  if (!text)
    return text.error();
  auto page = nlohmann::json::parse(text.value());
  feed_page result;
  if (page.is_object()) {
    result.events = page.value("events", nlohmann::json{});
    result.next = field_text(page, "next");
    result.more = page.value("more", false);
  }
  if (!result.events.is_array() || !page.contains("next"))
    return failure{failure::unreachable,
                   "the server sent a feed page without events or next"};
  return result;
}

/// Waits for the contracts of `o` on the feed. The status is read when the
/// wait begins (after the feed's end is taken, so that no change falls
/// between the two), when an event moved a contract and the wait goes on
/// (for the bar's steps), and when the time is up (for the message); in
/// between, the wait is long polls of the feed, whose events carry the
/// states.
class waiter {
public:
  waiter(const wait_options& o, contract_state want)
    : o_(o),
      want_(want),
      deadline_(clock_type::now() + to_timeout(o.timeout_seconds)),
      bar_(std::cerr, isatty(STDERR_FILENO) != 0) {
  }

  int run(api_client& api) {
    api.set_timeout(request_timeout(seconds{0}));
    auto end = read_feed(api, "/v1/events?after=end&limit=1");
    if (!end)
      return fail(end.error());
    cursor_ = end.value().next;
    if (auto rc = refresh(api); rc >= 0)
      return rc;
    for (;;) {
      if (auto rc = judge(); rc >= 0)
        return rc;
      auto left = deadline_ - clock_type::now();
      if (left <= clock_type::duration::zero())
        return timed_out(api);
      bool moved = false;
      if (auto rc = follow(api, left, moved); rc >= 0)
        return rc;
      if (moved && !done())
        if (auto rc = refresh(api); rc >= 0)
          return rc;
    }
  }

private:
  /// For a request the node holds up to `held`: that, and the time left
  /// after it (at least 1 s, at most `max_request_timeout`).
  api_client::duration request_timeout(seconds held) const {
    auto left = std::chrono::duration_cast<milliseconds>(
      deadline_ - clock_type::now() - held);
    return held + std::clamp(left, milliseconds{1000}, max_request_timeout);
  }

  int fail(const failure& problem) {
    bar_.finish();
    return report(problem);
  }

  /// Reads the status of the contracts; an exit code if it fails or names
  /// an unknown contract, else -1.
  int refresh(api_client& api) {
    api.set_timeout(request_timeout(seconds{0}));
    auto all = api.list_contracts();
    if (!all)
      return fail(all.error());
    std::map<contract_id, contract_summary> latest;
    for (auto& x : all.value())
      latest.emplace(x.id, x);
    mine_.clear();
    for (auto& id : o_.ids) {
      auto i = latest.find(contract_id{id});
      if (i == latest.end()) {
        bar_.finish();
        std::cerr << "onset: refused: unknown_contract: " << id << '\n';
        return exit_refused;
      }
      mine_.push_back(i->second);
    }
    return -1;
  }

  /// One long poll of the feed of at most `left` (whole seconds; a last
  /// fraction is slept, then the feed read once more), and every page
  /// after it at once while the node has more. `moved`: an event changed
  /// the state of a waited contract. An exit code if a read fails, else -1.
  int follow(api_client& api, clock_type::duration left, bool& moved) {
    auto held = std::min(std::chrono::duration_cast<seconds>(left),
                         max_long_poll);
    if (held == seconds{0})
      std::this_thread::sleep_for(left);
    api.set_timeout(request_timeout(held));
    for (;;) {
      auto page = read_feed(api, feed_target(held));
      if (!page)
        return fail(page.error());
      cursor_ = page.value().next;
      for (auto& x : page.value().events)
        moved = apply(x) || moved;
      if (!page.value().more)
        return -1;
      held = seconds{0};
    }
  }

  /// `GET /v1/events` after the cursor, of the one contract waited for
  /// (the node filters) or of all (this filters), held up to `held`.
  std::string feed_target(seconds held) const {
    auto target = "/v1/events?limit=1000&after=" + url_escaped(cursor_)
                  + "&wait=" + std::to_string(held.count());
    if (o_.ids.size() == 1)
      target += "&contract=" + url_escaped(o_.ids.front());
    return target;
  }

  /// Takes the state an event reports for a waited contract; true if it
  /// reported one.
  bool apply(const nlohmann::json& event) {
    auto to = parse_contract_state(field_text(event, "to"));
    if (!to)
      return false;
    auto id = field_text(event, "contract");
    bool moved = false;
    for (auto& x : mine_) {
      if (x.id.str() != id)
        continue;
      x.state = *to;
      x.reason = field_text(event, "reason");
      moved = true;
    }
    return moved;
  }

  bool done() const {
    return std::all_of(mine_.begin(), mine_.end(),
                       [this](const auto& x) { return x.state == want_; });
  }

  /// An exit code once the wait is over, else -1.
  int judge() {
    uint64_t acked = 0;
    uint64_t total = 0;
    size_t there = 0;
    for (auto& x : mine_) {
      acked += x.steps_acked;
      total += x.steps_total;
      there += x.state == want_ ? 1 : 0;
    }
    bar_.update(acked, total,
                std::to_string(there) + "/" + std::to_string(mine_.size()) + " "
                  + to_string(want_));
    for (auto& x : mine_) {
      if (auto why = stuck(x, want_); !why.empty()) {
        bar_.finish();
        std::cerr << "onset: " << why << '\n';
        return exit_refused;
      }
    }
    if (there < mine_.size())
      return -1;
    bar_.finish();
    for (auto& x : mine_)
      std::cout << x.id << ": " << to_string(x.state) << '\n';
    return exit_ok;
  }

  /// Reads the status once more, for the states and steps of the message;
  /// the wait has timed out whatever that read says.
  int timed_out(api_client& api) {
    auto last = mine_;
    api.set_timeout(request_timeout(seconds{0}));
    if (auto all = api.list_contracts())
      for (auto& x : all.value())
        for (auto& y : last)
          if (y.id == x.id)
            y = x;
    bar_.finish();
    std::cerr << "onset: timed out after " << o_.timeout_seconds
              << " s waiting for " << to_string(want_) << ":";
    for (auto& x : last)
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
  /// The feed's cursor: every event before it has been applied.
  std::string cursor_;
  /// The waited contracts, in the order named.
  std::vector<contract_summary> mine_;
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
