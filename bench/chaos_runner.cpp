#include "bench/chaos_runner.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "actors/engine_config.hpp"
#include "bench/chaos_client.hpp"
#include "bench/chaos_documents.hpp"
#include "bench/fleet_process.hpp"
#include "bench/local_cluster.hpp"
#include "bench/log_events.hpp"
#include "config/catalog_loader.hpp"
#include "config/default_catalog.hpp"
#include "messages/contract_json.hpp"
#include "messages/device_json.hpp"
#include "messages/error_code.hpp"
#include "nodes/cluster_audit.hpp"

namespace onset::bench {

namespace {

using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// A run that cannot go on; the message says why.
struct chaos_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// How long an operator request is retried while nodes come and go.
constexpr auto retry_for = std::chrono::seconds{90};

/// The catalog the run starts from: $ONSET_CATALOG, else the installed one.
std::string catalog_file() {
  auto x = config::default_catalog_file();
  if (x.empty())
    throw chaos_error("no catalog: set " + config::catalog_lookup_order());
  return x;
}

std::string fixed1(double x) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", x);
  return buf;
}

double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

class chaos_run {
public:
  chaos_run(const chaos_plan& plan, const chaos_run_options& options,
            chaos_client& client, std::string work)
    : plan_(plan), options_(options), client_(client), work_(std::move(work)) {
    for (auto& c : plan_.workload)
      version_[c.index] = 1;
  }

  /// The summary line and whether every invariant holds; throws
  /// chaos_error when the run cannot complete.
  std::pair<std::string, bool> run();

  void say(const std::string& what) const {
    std::printf("[%6.1fs] %s\n", seconds_since(t0_), what.c_str());
    std::fflush(stdout);
  }

  /// The last lines of every node's log, on stderr.
  void show_logs() const;

private:
  void write_catalogs();
  /// The workload's printers, as enrolled.
  std::vector<device_record> printers() const;
  /// --endpoints fleet: starts onset-fleet (the run's catalog, the printers
  /// left behind refused, the faults) in WORK/fleet.
  void start_fleet();
  void start_cluster();
  void prepare();
  void play(const chaos_move& x);
  /// SIGKILL, SIGSTOP, SIGCONT a node or the fleet (`chaos_fleet`).
  void kill(const std::string& target);
  void pause(const std::string& target);
  void resume(const std::string& target);
  /// Starts killed nodes (or the fleet) again.
  void restart(const std::vector<std::string>& nodes);
  void submit(int first, int last);
  /// Renews or cancels contract `x.first` as `request` does, and SIGKILLs
  /// `x.node` `x.gap_ms` after sending it; restarts the node after `x.ms`,
  /// then retries until accepted.
  void crash_during(const chaos_move& x, const std::string& what,
                    error_code accepted,
                    const std::function<caf::error()>& request);
  void snapshot(const std::string& node);
  void restore(const chaos_move& x);
  /// Sets the printers back on line that the schedule did so and whose
  /// devices node's store was restored from before that.
  void online_again(const std::string& node);
  void settle();
  /// Stops the cluster and audits every node's store.
  nodes::audit_report read_stores();
  /// Contracts whose version or state differs from the workload's.
  uint64_t wrong_final(const nodes::audit_report& r) const;
  /// The events named `event` in the logs of `nodes`.
  uint64_t count(std::initializer_list<const char*> nodes,
                 const std::string& event) const;
  std::pair<std::string, bool> audit();
  void write_report(const nodes::audit_report& r, uint64_t wrong,
                    uint64_t reacked, uint64_t resynced) const;

  /// Calls `f` until it succeeds or refuses with `accepted` (the change was
  /// made by an attempt whose reply was lost with a node), for up to 90 s.
  void retry(const std::string& what, std::optional<error_code> accepted,
             const std::function<caf::error()>& f);

  contract document(const chaos_contract& c, int version) const;
  std::string expected_state(const chaos_contract& c) const {
    return c.fate == contract_fate::cancel || c.fate == contract_fate::expire
             ? "ended"
           : c.fate == contract_fate::refuse ? "degraded"
                                             : "active";
  }

  const chaos_plan& plan_;
  const chaos_run_options& options_;
  chaos_client& client_;
  std::string work_;
  clock_type::time_point t0_ = clock_type::now();
  clock_type::time_point last_restart_ = clock_type::now();
  std::unique_ptr<local_cluster> cluster_;
  std::unique_ptr<fleet_process> fleet_;
  catalog catalog_;
  std::time_t t_docs_ = 0;
  std::map<int, int> version_;
  double settled_after_s_ = 0;
  /// The copy of a devices node's store, by node.
  std::map<std::string, std::string> snapshots_;
  /// Printers (numbers) the schedule brought back on line.
  std::set<int> online_;
  /// Renewals and cancels of `*_crash` moves whose first attempt failed
  /// (their contracts node killed under them, or another node down), then
  /// retried.
  uint64_t interrupted_ = 0;
  uint64_t restored_ = 0;
  /// --endpoints fleet: instructions a node found already performed at the
  /// fleet by its read-before, and did not send.
  uint64_t found_present_ = 0;
};

void chaos_run::show_logs() const {
  if (!cluster_)
    return;
  std::vector<std::string> logs;
  for (auto& n : chaos_nodes())
    logs.push_back(cluster_->log_path(n));
  if (fleet_)
    logs.push_back(fleet_->log_path());
  for (auto& path : logs) {
    std::ifstream in{path};
    std::vector<std::string> last;
    for (std::string line; std::getline(in, line);) {
      last.push_back(std::move(line));
      if (last.size() > 10)
        last.erase(last.begin());
    }
    std::cerr << "--- " << path << " (last lines)\n";
    for (auto& x : last)
      std::cerr << x << '\n';
  }
}

std::pair<std::string, bool> chaos_run::run() {
  write_catalogs();
  if (options_.fleet)
    start_fleet();
  start_cluster();
  prepare();
  say("running " + std::to_string(plan_.moves.size()) + " events");
  size_t k = 0;
  for (auto& x : plan_.moves) {
    say("#" + std::to_string(++k) + " " + to_string(x));
    play(x);
  }
  say("schedule done; letting the cluster heal");
  settle();
  return audit();
}

/// Writes the run's catalogs: CATALOG_FILE plus chaos_kiosk for every
/// node but d2, CATALOG_FILE as it is for d2; the run plans and audits with
/// the first.
void chaos_run::write_catalogs() {
  std::ifstream in{catalog_file()};
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.contains("services"))
    throw chaos_error("cannot read " + catalog_file());
  std::ofstream{work_ + "/catalog-d2.json"} << doc.dump(2) << '\n';
  doc["services"]["chaos_kiosk"] = kiosk_service();
  std::ofstream{work_ + "/catalog.json"} << doc.dump(2) << '\n';
  auto cat = config::load_catalog(work_ + "/catalog.json");
  if (!cat)
    throw chaos_error("catalog refused: " + cat.error().to_string());
  catalog_ = std::move(cat.value());
}

void chaos_run::start_cluster() {
  cluster_settings s;
  s.node_args = {"--firmware-latency", "1500", "--apps-latency",    "500",
                 "--settings-latency", "200",  "--request-timeout", "1000",
                 "--resend-cap",       "1000", "--threads",         "2",
                 "--log-format",       "json"};
  // With the fleet, refusals are the fleet's: every node has the run's
  // catalog, and the devices and services nodes deliver there.
  for (auto& n : chaos_nodes())
    s.extra_args[n]
      = {"--catalog",
         work_ + (n == "d2" && !fleet_ ? "/catalog-d2.json" : "/catalog.json")};
  if (fleet_)
    for (auto n : {"d1", "d2"})
      s.extra_args[n].insert(s.extra_args[n].end(),
                             {"--endpoints", fleet_->endpoints_file()});
  if (!options_.faults.empty()) {
    // Validated by onset-node itself; each contracts node its own seed.
    ::setenv("ONSET_ENABLE_TEST_FAULTS", "1", 1);
    for (auto& n : chaos_nodes())
      if (n[0] == 'c')
        s.extra_args[n].insert(s.extra_args[n].end(),
                               {"--test-faults",
                                options_.faults + ",seed="
                                  + std::to_string(uint64_t{plan_.seed} * 10
                                                   + std::stoul(n.substr(1)))});
  }
  s.heartbeat_interval_ms = 200;
  s.heartbeat_timeout_ms = 1000;
  std::vector<node_spec> nodes;
  for (auto& x : five_nodes())
    nodes.push_back(x);
  say("starting the cluster in " + work_);
  try {
    cluster_ = std::make_unique<local_cluster>(work_, nodes, s);
  } catch (const std::runtime_error& x) {
    throw chaos_error(x.what());
  }
  client_.use(cluster_->gateway());
}

void chaos_run::retry(const std::string& what,
                      std::optional<error_code> accepted,
                      const std::function<caf::error()>& f) {
  auto deadline = clock_type::now() + retry_for;
  for (;;) {
    auto err = f();
    if (!err || (accepted && is(err, *accepted)))
      return;
    if (clock_type::now() > deadline)
      throw chaos_error(what + " kept failing: " + client_.render(err));
    std::this_thread::sleep_for(milliseconds{300});
  }
}

contract chaos_run::document(const chaos_contract& c, int version) const {
  nlohmann::json doc{
    {"id", chaos_contract_id(c.index)},
    {"version", version},
    {"customer", "acme"},
    {"start", c.start_offset_s == 0 ? "2026-01-01T00:00:00Z"
                                    : rfc3339(t_docs_ + c.start_offset_s)},
    {"end", c.end_offset_s == 0 ? "2036-01-01T00:00:00Z"
                                : rfc3339(t_docs_ + c.end_offset_s)},
    {"devices",
     {chaos_printer_id(2 * c.index - 1), chaos_printer_id(2 * c.index)}},
    {"services", services_of(c, version)}};
  auto result = parse_contract(doc.dump(), catalog_);
  if (!result)
    throw chaos_error("the workload's document of " + chaos_contract_id(c.index)
                      + " is refused: " + result.error().to_string());
  return std::move(result.value());
}

std::vector<device_record> chaos_run::printers() const {
  auto docs = nlohmann::json::array();
  for (size_t i = 1; i <= 2 * plan_.workload.size(); ++i)
    docs.push_back({{"id", chaos_printer_id(static_cast<int>(i))},
                    {"customer", "acme"},
                    {"model", "imageRUNNER C3326"},
                    {"firmware", "2.4.0"},
                    {"apps", nlohmann::json::array()}});
  auto records = parse_device_records(docs.dump());
  if (!records)
    throw chaos_error("the workload's printers are refused: "
                      + records.error().to_string());
  return std::move(records.value());
}

void chaos_run::start_fleet() {
  fleet_settings s;
  s.args = fleet_args(*options_.fleet, plan_.seed);
  s.args.insert(s.args.end(), {"--catalog", work_ + "/catalog.json"});
  std::string refused;
  for (auto& c : plan_.workload)
    if (c.left_behind != 0)
      refused += (refused.empty() ? "" : ",") + chaos_printer_id(c.left_behind);
  if (!refused.empty())
    s.args.insert(s.args.end(), {"--refuse", refused});
  s.idempotent = !options_.fleet->state_only;
  s.timeout_ms = options_.fleet->timeout_ms;
  // Below the ephemeral range, so that no outgoing connection takes its
  // port while it is down (local_cluster.hpp, free_ports).
  s.port = free_ports(1);
  say("starting onset-fleet (" + to_string(*options_.fleet) + ")");
  try {
    fleet_ = std::make_unique<fleet_process>(work_ + "/fleet", printers(),
                                             std::chrono::seconds{30}, s);
  } catch (const std::runtime_error& x) {
    throw chaos_error(x.what());
  }
}

void chaos_run::prepare() {
  auto records = printers();
  say("registering " + std::to_string(records.size()) + " printers");
  retry("enroll", std::nullopt, [&] { return client_.enroll(records); });
  // An offline printer holds its steps until it is back (later, in the
  // schedule).
  for (auto& c : plan_.workload)
    if (c.fate == contract_fate::offline)
      retry("set-online", std::nullopt, [&] {
        return client_.set_online(device_id{chaos_printer_id(2 * c.index)},
                                  false);
      });
  t_docs_ = std::time(nullptr);
}

void chaos_run::kill(const std::string& target) {
  if (target == chaos_fleet)
    fleet_->kill();
  else
    cluster_->kill(target);
}

void chaos_run::pause(const std::string& target) {
  if (target == chaos_fleet)
    fleet_->pause();
  else
    cluster_->pause(target);
}

void chaos_run::resume(const std::string& target) {
  if (target == chaos_fleet)
    fleet_->resume();
  else
    cluster_->resume(target);
}

void chaos_run::restart(const std::vector<std::string>& nodes) {
  for (auto& n : nodes) {
    try {
      if (n == chaos_fleet)
        fleet_->restart();
      else
        cluster_->restart(n);
    } catch (const std::runtime_error& x) {
      throw chaos_error("node " + n + " did not come back: " + x.what());
    }
  }
  last_restart_ = clock_type::now();
}

void chaos_run::submit(int first, int last) {
  std::vector<contract> docs;
  for (int i = first; i <= last; ++i)
    docs.push_back(document(plan_.workload[static_cast<size_t>(i - 1)], 1));
  if (!client_.submit(docs))
    return;
  // Some may have been accepted before a node went away: one by one.
  for (int i = first; i <= last; ++i) {
    auto& doc = docs[static_cast<size_t>(i - first)];
    retry("submit " + chaos_contract_id(i), error_code::stale_version,
          [&] { return client_.submit({doc}); });
  }
}

void chaos_run::crash_during(const chaos_move& x, const std::string& what,
                             error_code accepted,
                             const std::function<caf::error()>& request) {
  std::thread killer{[&] {
    std::this_thread::sleep_for(milliseconds{x.gap_ms});
    kill(x.node);
  }};
  auto err = request();
  killer.join();
  std::this_thread::sleep_for(milliseconds{x.ms});
  restart({x.node});
  if (!err || is(err, accepted))
    return;
  // Failed with its node: the change may or may not have been committed;
  // the retry is accepted either way, or refused with `accepted`.
  ++interrupted_;
  say(what + " failed while its node was killed (" + client_.render(err)
      + "); retrying");
  retry(what, accepted, request);
}

void chaos_run::snapshot(const std::string& node) {
  namespace fs = std::filesystem;
  auto dir = work_ + "/snapshot-" + node;
  fs::remove_all(dir);
  fs::create_directories(dir);
  cluster_->pause(node);
  auto copy = std::async(std::launch::async, copy_environment,
                         cluster_->data_dir(node), dir);
  // LMDB's reader table has a lock of its own, which the frozen node may
  // hold for an instant: then the copy is made after SIGCONT (still one
  // read transaction, so one consistent state).
  if (copy.wait_for(std::chrono::seconds{5}) != std::future_status::ready)
    say("snapshot of " + node + " waits for the node; resuming it");
  cluster_->resume(node);
  if (auto err = copy.get(); !err.empty())
    throw chaos_error("copy of " + node + "'s store: " + err);
  snapshots_[node] = dir;
}

void chaos_run::restore(const chaos_move& x) {
  namespace fs = std::filesystem;
  auto i = snapshots_.find(x.node);
  if (i == snapshots_.end())
    throw chaos_error("restore " + x.node + " before its snapshot");
  cluster_->kill(x.node);
  auto data = cluster_->data_dir(x.node);
  fs::remove(data + "/lock.mdb");
  fs::copy_file(i->second + "/data.mdb", data + "/data.mdb",
                fs::copy_options::overwrite_existing);
  std::this_thread::sleep_for(milliseconds{x.ms});
  restart({x.node});
  ++restored_;
  online_again(x.node);
}

void chaos_run::online_again(const std::string& node) {
  for (auto printer : online_)
    if (chaos_printer_node(printer) == node)
      retry("set-online", std::nullopt, [&] {
        return client_.set_online(device_id{chaos_printer_id(printer)}, true);
      });
}

void chaos_run::play(const chaos_move& x) {
  auto sleep = [](int ms) { std::this_thread::sleep_for(milliseconds{ms}); };
  switch (x.kind) {
    case chaos_move::wait:
      sleep(x.ms);
      break;
    case chaos_move::kill:
      kill(x.node);
      sleep(x.ms);
      restart({x.node});
      break;
    case chaos_move::kill2:
      kill(x.node);
      sleep(x.gap_ms);
      kill(x.other);
      sleep(x.ms);
      restart({x.node, x.other});
      break;
    case chaos_move::kill_recovering:
      kill(x.node);
      restart({x.node});
      sleep(x.gap_ms);
      kill(x.node);
      sleep(x.ms);
      restart({x.node});
      break;
    case chaos_move::kill_all: {
      auto& all = chaos_targets(plan_.fleet);
      for (auto& n : all)
        kill(n);
      sleep(x.ms);
      restart(all);
      break;
    }
    case chaos_move::pause:
      pause(x.node);
      sleep(x.ms);
      resume(x.node);
      break;
    case chaos_move::submit:
      submit(x.first, x.last);
      break;
    case chaos_move::renew: {
      auto doc = document(plan_.workload[static_cast<size_t>(x.first - 1)], 2);
      retry("renew " + chaos_contract_id(x.first), error_code::stale_version,
            [&] { return client_.submit({doc}); });
      version_[x.first] = 2;
      break;
    }
    case chaos_move::cancel:
      retry("cancel " + chaos_contract_id(x.first), error_code::wrong_state,
            [&] {
              return client_.cancel(contract_id{chaos_contract_id(x.first)});
            });
      break;
    case chaos_move::offline:
      retry("set-online", std::nullopt, [&] {
        return client_.set_online(device_id{chaos_printer_id(2 * x.first)},
                                  true);
      });
      online_.insert(2 * x.first);
      break;
    case chaos_move::renew_crash: {
      auto doc = document(plan_.workload[static_cast<size_t>(x.first - 1)], 2);
      crash_during(x, "renew " + chaos_contract_id(x.first),
                   error_code::stale_version,
                   [&] { return client_.submit({doc}); });
      version_[x.first] = 2;
      break;
    }
    case chaos_move::cancel_crash:
      crash_during(x, "cancel " + chaos_contract_id(x.first),
                   error_code::wrong_state, [&] {
                     return client_.cancel(
                       contract_id{chaos_contract_id(x.first)});
                   });
      break;
    case chaos_move::snapshot:
      snapshot(x.node);
      break;
    case chaos_move::restore:
      restore(x);
      break;
  }
}

void chaos_run::settle() {
  auto deadline = clock_type::now()
                  + std::chrono::seconds{options_.settle_timeout_s};
  for (;;) {
    auto all = client_.list_contracts();
    std::vector<std::string> off;
    if (all) {
      std::map<std::string, const contract_summary*> by_id;
      for (auto& x : all.value())
        by_id[x.id.str()] = &x;
      for (auto& c : plan_.workload) {
        auto i = by_id.find(chaos_contract_id(c.index));
        if (i == by_id.end()) {
          off.push_back(chaos_contract_id(c.index) + " unknown");
          continue;
        }
        auto& s = *i->second;
        std::string state = to_string(s.state);
        if (state != expected_state(c)
            || s.version != static_cast<uint64_t>(version_[c.index]))
          off.push_back(s.id.str() + " v" + std::to_string(s.version) + " "
                        + state + (s.reason.empty() ? "" : " " + s.reason));
      }
      if (off.empty() && all.value().size() == plan_.workload.size())
        break;
    } else {
      off.push_back("status: " + client_.render(all.error()));
    }
    if (clock_type::now() > deadline) {
      for (size_t i = 0; i < off.size() && i < 20; ++i)
        std::cerr << off[i] << '\n';
      throw chaos_error("not settled within "
                        + std::to_string(options_.settle_timeout_s) + "s");
    }
    std::this_thread::sleep_for(milliseconds{500});
  }
  settled_after_s_ = seconds_since(last_restart_);
  say("settled " + fixed1(settled_after_s_) + "s after the last restart");
}

nodes::audit_report chaos_run::read_stores() {
  cluster_->stop();
  std::vector<std::unique_ptr<persistence::environment>> envs;
  std::vector<persistence::environment*> ptrs;
  for (auto& n : chaos_nodes()) {
    persistence::environment_options opts;
    opts.directory = cluster_->data_dir(n);
    opts.reader_check_interval = std::chrono::seconds{0};
    auto env = persistence::environment::open(opts);
    if (!env)
      throw chaos_error("cannot read " + opts.directory + ": "
                        + persistence::to_string(env.error()));
    ptrs.push_back((*env).get());
    envs.push_back(std::move(*env));
  }
  nodes::audit_options a;
  a.expect_settled = true;
  for (auto& c : plan_.workload)
    if (c.left_behind != 0)
      a.left_behind[contract_id{chaos_contract_id(c.index)}].insert(
        device_id{chaos_printer_id(c.left_behind)});
  a.now = actors::system_wall_clock()();
  if (fleet_) {
    try {
      fleet_->stop();
      auto present
        = found_present({cluster_->log_path("d1"), cluster_->log_path("d2")});
      found_present_ = present.size();
      a.endpoint = fleet_evidence(fleet_->data_dir(), catalog_, present);
    } catch (const std::runtime_error& x) {
      throw chaos_error(x.what());
    }
  }
  auto report = nodes::audit_cluster(ptrs, catalog_, a);
  if (!report)
    throw chaos_error("the audit read nothing: " + report.error().to_string());
  return std::move(report.value());
}

uint64_t chaos_run::wrong_final(const nodes::audit_report& r) const {
  std::map<std::string, const chaos_contract*> want;
  for (auto& c : plan_.workload)
    want[chaos_contract_id(c.index)] = &c;
  uint64_t result = 0;
  for (auto& c : r.contracts) {
    auto i = want.find(c.id.str());
    if (i == want.end() || c.state != expected_state(*i->second)
        || c.version != static_cast<uint64_t>(version_.at(i->second->index)))
      ++result;
  }
  return result;
}

uint64_t chaos_run::count(std::initializer_list<const char*> nodes,
                          const std::string& event) const {
  uint64_t result = 0;
  for (auto n : nodes)
    result += count_events(cluster_->log_path(n), event);
  return result;
}

std::pair<std::string, bool> chaos_run::audit() {
  auto r = read_stores();
  auto wrong = wrong_final(r);
  // Evidence that the faults hit work in flight: instructions the
  // receivers got again after applying them.
  auto reacked = count({"d1", "d2"}, "step.duplicate");
  // Evidence that the restore hit work: streams the contracts nodes sent
  // again to the restored receiver.
  auto resynced = count({"c1", "c2"}, "stream.resync");
  // Evidence that reconnections (a paused or killed peer back) found
  // steps in flight: CONTRACTs that sent pending steps again at once.
  uint64_t reconnected = 0;
  for (auto n : {"c1", "c2"})
    for_each_event(cluster_->log_path(n), [&](const nlohmann::json& e) {
      if (e.value("event", "") == "resend.all" && e.contains("contract")
          && e.value("pending", 0) > 0)
        ++reconnected;
    });
  for (auto& p : r.problems)
    std::printf("  %s\n", p.c_str());
  auto n = [](uint64_t x) { return std::to_string(x); };
  auto line = "chaos seed=" + n(plan_.seed) + " kills=" + n(plan_.kills)
              + " pauses=" + n(plan_.pauses)
              + " contracts=" + n(plan_.workload.size()) + " lost=" + n(r.lost)
              + " duplicated=" + n(r.duplicated)
              + " reordered=" + n(r.reordered) + " unsettled=" + n(r.unsettled)
              + " mismatched=" + n(r.mismatched) + " pending=" + n(r.pending)
              + " wrong_final=" + n(wrong) + " left_behind=" + n(r.left_behind)
              + " instructions=" + n(r.instructions) + " reacked=" + n(reacked)
              + " interrupted=" + n(interrupted_) + " restored=" + n(restored_)
              + " resynced=" + n(resynced) + " resent_on_reconnect="
              + n(reconnected) + " settled_after_s=" + fixed1(settled_after_s_);
  if (!plan_.without.empty())
    line += " without=" + plan_.without;
  if (!options_.faults.empty())
    line += " faults=" + options_.faults
            + " injected=" + n(count({"c1", "c2"}, "fault.injected"));
  if (fleet_)
    line += fleet_figures(plan_, *options_.fleet, fleet_->log_path(),
                          found_present_, r.conflicts);
  write_report(r, wrong, reacked, resynced);
  uint64_t behind = 0;
  for (auto& c : plan_.workload)
    behind += c.left_behind != 0 ? 1 : 0;
  bool ok = r.ok() && wrong == 0 && r.contracts.size() == plan_.workload.size()
            && r.left_behind == behind;
  return {line, ok};
}

void chaos_run::write_report(const nodes::audit_report& r, uint64_t wrong,
                             uint64_t reacked, uint64_t resynced) const {
  auto contracts = nlohmann::json::array();
  for (auto& c : r.contracts)
    contracts.push_back({{"id", c.id.str()},
                         {"version", c.version},
                         {"state", c.state},
                         {"expected", c.expected}});
  nlohmann::json out{{"instructions", r.instructions},
                     {"duplicated", r.duplicated},
                     {"gaps", r.gaps},
                     {"reordered", r.reordered},
                     {"conflicts", r.conflicts},
                     {"lost", r.lost},
                     {"pending", r.pending},
                     {"unsettled", r.unsettled},
                     {"mismatched", r.mismatched},
                     {"wrong_final", wrong},
                     {"reacked", reacked},
                     {"left_behind", r.left_behind},
                     {"interrupted", interrupted_},
                     {"restored", restored_},
                     {"resynced", resynced},
                     {"problems", r.problems},
                     {"contracts", contracts},
                     {"ok", r.ok()}};
  std::ofstream{work_ + "/report.json"} << out.dump(2) << '\n';
}

/// A new directory for the run's data and logs.
std::string make_work_dir(const std::string& chosen) {
  namespace fs = std::filesystem;
  if (!chosen.empty()) {
    fs::create_directories(chosen);
    return fs::absolute(chosen).string();
  }
  auto* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string{tmp && *tmp ? tmp : "/tmp"}
                        + "/onset-chaos.XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot make a temporary directory");
  return pattern;
}

} // namespace

int run_chaos(const chaos_plan& plan, const chaos_run_options& options,
              chaos_client& client) {
  auto work = make_work_dir(options.work_dir);
  bool passed = false;
  {
    chaos_run run{plan, options, client, work};
    try {
      auto [line, ok] = run.run();
      std::printf("%s\n", line.c_str());
      std::fflush(stdout);
      passed = ok;
      if (!ok)
        std::fprintf(stderr, "chaos FAILED: re-run with: %s\n",
                     options.rerun.c_str());
    } catch (const std::exception& x) {
      run.say(std::string{"ERROR: "} + x.what());
      run.show_logs();
    }
  }
  if (passed && !options.keep)
    std::filesystem::remove_all(work);
  else
    std::fprintf(stderr, "onset-chaos: work directory kept: %s\n",
                 work.c_str());
  return passed ? 0 : 1;
}

} // namespace onset::bench
