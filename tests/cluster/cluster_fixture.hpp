// Two cluster nodes in one test process on CAF's simulated network
// (caf/test/io_dsl.hpp), each with its own LMDB in a temp dir and every
// actor on its own deterministic scheduler:
//
//   earth = node "c1" (contracts): CONTRACT SUPERVISOR, DEVICE and SERVICE
//           ROUTERs, a PEER LINK to mars, a NODE DIRECTORY and a CLUSTER
//           VIEW of both nodes;
//   mars  = node "d1" (devices, services): DEVICE and SERVICE SUPERVISORs
//           and its NODE DIRECTORY, published on "mars":7500.
//
// With `faults`, earth's CONTRACT actors send through FAULT INJECTORs
// (actors/fault_injector.hpp).
//
// Time passes only when a test says so (`pass`); `settle` runs messages and
// network traffic on both nodes until two passes in a row find nothing to
// do (the simulated network can look idle while a reply is in transit).
#pragma once

#ifndef FAIL
#  define FAIL CAF_FAIL
#endif

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/test/io_dsl.hpp>

#include "actors/contract_supervisor.hpp"
#include "actors/device_supervisor.hpp"
#include "actors/fault_injector.hpp"
#include "actors/service_supervisor.hpp"
#include "actors/simulated_printer.hpp"
#include "messages/contract_json.hpp"
#include "messages/error_code.hpp"
#include "nodes/cluster/cluster_view.hpp"
#include "nodes/cluster/device_router.hpp"
#include "nodes/cluster/node_directory.hpp"
#include "nodes/cluster/peer_link.hpp"
#include "nodes/cluster/service_router.hpp"
#include "nodes/system_config.hpp"
#include "persistence/environment.hpp"
#include "persistence/receiver_ledger.hpp"
#include "persistence/store_actor.hpp"
#include "tests/support/shipped_catalog.hpp"

namespace onset::test {

/// Onset's configuration, with the middleman's helper actors on the test
/// scheduler (detached ones would run on threads of their own).
struct dsl_config : system_config {
  dsl_config() {
    set("middleman.attach-utility-actors", true);
  }
};

using planet = test_node_fixture<test_coordinator_fixture<dsl_config>>;

/// A fresh directory under /tmp, removed with its contents.
class temp_dir {
public:
  temp_dir() {
    char name[] = "/tmp/onset-cluster-XXXXXX";
    if (mkdtemp(name) == nullptr)
      CAF_FAIL("mkdtemp failed");
    path_ = name;
  }

  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::string& path() const {
    return path_;
  }

private:
  std::string path_;
};

/// What every node has: its LMDB and its STORE.
struct node_storage_parts {
  temp_dir dir;
  std::unique_ptr<persistence::environment> env;
  persistence::store_actor store;

  void open(caf::actor_system& sys) {
    persistence::environment_options opts;
    opts.directory = dir.path();
    opts.sync = persistence::sync_mode::no_sync;
    // No self-re-arming timer: settle() would never find the system idle.
    opts.reader_check_interval = std::chrono::seconds{0};
    auto opened = persistence::environment::open(opts);
    if (!opened)
      CAF_FAIL("cannot open environment: " << to_string(opened.error()));
    env = std::move(*opened);
    store = sys.spawn(persistence::store, env.get());
  }
};

struct cluster_fixture : test_network_fixture_base<planet> {
  using super = test_network_fixture_base<planet>;
  static constexpr uint16_t mars_port = 7500;

  planet earth;
  planet mars;
  std::shared_ptr<const catalog> cat
    = std::make_shared<const catalog>(shipped_catalog());
  utc_time now = *utc_time::parse_rfc3339("2026-11-30T00:00:00Z");
  engine_config config;
  std::optional<fault_options> faults;

  // mars: d1
  node_storage_parts d1;
  simulated_printer_options printer;
  device_supervisor_actor d1_devices;
  service_supervisor_actor d1_services;
  node_directory_actor d1_directory;
  /// Where mars accepts connections, and the two ends of the current
  /// connection (to cut it).
  caf::io::accept_handle mars_acceptor;
  caf::io::connection_handle mars_side;
  caf::io::connection_handle earth_side;

  // earth: c1
  node_storage_parts c1;
  device_router_actor c1_device_router;
  service_router_actor c1_service_router;
  contract_supervisor_actor c1_contracts;
  /// What earth's CONTRACT actors send to: the ROUTERs, or FAULT INJECTORs
  /// in front of them.
  device_actor c1_sends_devices;
  service_actor c1_sends_services;
  peer_link_actor c1_link;
  node_directory_actor c1_directory;
  cluster_view_actor c1_view;

  /// `tune` adjusts earth's engine configuration before earth starts.
  explicit cluster_fixture(std::optional<fault_options> faults = {},
                           std::function<void(engine_config&)> tune = {})
    : super({&earth, &mars}),
      earth([this] { settle(); }),
      mars([this] { settle(); }),
      faults(std::move(faults)) {
    config.request_timeout = std::chrono::seconds{2};
    config.resend_base = std::chrono::milliseconds{100};
    config.resend_cap = std::chrono::seconds{1};
    config.step_deadline = std::chrono::seconds{120};
    printer.firmware_latency = std::chrono::seconds{1};
    if (tune)
      tune(config);
    start_mars();
    start_earth();
    settle();
  }

  ~cluster_fixture() {
    for (auto x : {caf::actor_cast<caf::actor>(c1_view),
                   caf::actor_cast<caf::actor>(c1_link),
                   caf::actor_cast<caf::actor>(c1_directory),
                   caf::actor_cast<caf::actor>(c1_contracts),
                   caf::actor_cast<caf::actor>(c1_device_router),
                   caf::actor_cast<caf::actor>(c1_sends_devices),
                   caf::actor_cast<caf::actor>(c1_sends_services),
                   caf::actor_cast<caf::actor>(c1_service_router),
                   caf::actor_cast<caf::actor>(c1.store)})
      caf::anon_send_exit(x, caf::exit_reason::kill);
    stop_mars();
    settle();
    c1.env.reset();
  }

  // -- the nodes ------------------------------------------------------------

  static cluster_node mars_spec() {
    cluster_node result;
    result.name = "d1";
    result.host = "mars";
    result.port = mars_port;
    result.roles = {node_role::devices, node_role::services};
    return result;
  }

  /// Lets the next connect to "mars" succeed (the simulated network only
  /// connects what a test prepared).
  void prepare_mars_connection() {
    if (mars_acceptor == caf::io::accept_handle{})
      mars_acceptor = next_accept_handle();
    std::tie(mars_side, earth_side)
      = prepare_connection(mars, earth, "mars", mars_port, mars_acceptor);
  }

  void start_mars() {
    d1.open(mars.sys);
    d1_devices = spawn_device_supervisor(
      mars.sys, d1.store, *d1.env, simulated_printer_factory(*cat, printer));
    d1_services = spawn_service_supervisor(mars.sys, d1.store, *d1.env, cat);
    node_status identity;
    identity.name = "d1";
    identity.address = "mars:7500";
    identity.roles = {"devices", "services"};
    d1_directory = mars.sys.spawn(
      node_directory, identity, local_supervisors{d1_devices, {}, d1_services},
      std::vector<peer_link_actor>{}, d1.env.get());
    prepare_mars_connection();
    // The middleman's blocking publish() would wait for actors that run
    // only when the test runs them: ask its actor instead.
    auto port = ask<uint16_t>(
      mars, mars.mm.actor_handle(), caf::publish_atom::value, mars_port,
      caf::actor_cast<caf::strong_actor_ptr>(d1_directory),
      mars.sys.message_types(d1_directory), std::string{}, true);
    if (!port)
      CAF_FAIL(
        "cannot publish mars' directory: " << mars.sys.render(port.error()));
  }

  void stop_mars() {
    for (auto x : {caf::actor_cast<caf::actor>(d1_directory),
                   caf::actor_cast<caf::actor>(d1_devices),
                   caf::actor_cast<caf::actor>(d1_services),
                   caf::actor_cast<caf::actor>(d1.store)})
      if (x)
        caf::anon_send_exit(x, caf::exit_reason::kill);
    settle();
    d1.env.reset();
  }

  void start_earth() {
    c1.open(earth.sys);
    auto timeout = config.request_timeout;
    c1_device_router = earth.sys.spawn(device_router,
                                       std::vector<std::string>{"d1"}, "c1",
                                       device_supervisor_actor{}, timeout);
    c1_service_router = earth.sys.spawn(service_router,
                                        std::vector<std::string>{"d1"}, "c1",
                                        service_supervisor_actor{}, timeout);
    auto ctx = std::make_shared<contract_context>();
    ctx->cat = cat;
    ctx->env = c1.env.get();
    ctx->store = c1.store;
    c1_sends_devices = c1_device_router;
    c1_sends_services = c1_service_router;
    if (faults) {
      c1_sends_devices = spawn_fault_injector(
        earth.sys, device_actor{c1_device_router}, *faults, "devices", timeout);
      auto other = *faults;
      ++other.seed;
      c1_sends_services = spawn_fault_injector(earth.sys,
                                               service_actor{c1_service_router},
                                               other, "services", timeout);
    }
    ctx->devices = c1_sends_devices;
    ctx->services = c1_sends_services;
    ctx->config = config;
    ctx->now = [this] { return now; };
    c1_contracts = earth.sys.spawn(contract_supervisor,
                                   std::shared_ptr<const contract_context>{ctx},
                                   c1_device_router);
    peer_link_config link;
    link.peer = mars_spec();
    link.connect_timeout = std::chrono::seconds{1};
    link.request_timeout = timeout;
    c1_link = earth.sys.spawn(
      peer_link, link,
      peer_subscribers{c1_device_router, {}, c1_service_router, c1_contracts});
    node_status identity;
    identity.name = "c1";
    identity.address = "earth:7500";
    identity.roles = {"contracts"};
    c1_directory = earth.sys.spawn(node_directory, identity,
                                   local_supervisors{{}, c1_contracts, {}},
                                   std::vector<peer_link_actor>{c1_link},
                                   c1.env.get());
    c1_view = earth.sys.spawn(
      cluster_view, std::vector<node_status_actor>{c1_directory, c1_link},
      timeout);
  }

  /// Cuts the connection between earth and mars on both sides, as a broken
  /// link or a peer's death would.
  void cut_link() {
    auto cut = [](planet& p, caf::io::connection_handle hdl) {
      if (auto& ptr = p.mpx.impl_ptr(hdl))
        ptr->io_failure(&p.mpx, caf::io::network::operation::read);
    };
    cut(earth, earth_side);
    cut(mars, mars_side);
    settle();
  }

  // -- running --------------------------------------------------------------

  /// Runs messages and network traffic on both nodes until two passes in a
  /// row find nothing to do. Fires no timeout.
  size_t settle() {
    size_t steps = 0;
    int idle = 0;
    while (idle < 2) {
      bool busy = false;
      for (auto* p : {&earth, &mars})
        while (p->sched.try_run_once() || p->mpx.try_exec_runnable()
               || p->mpx.read_data() || p->mpx.try_accept_connection()) {
          busy = true;
          ++steps;
        }
      idle = busy ? 0 : idle + 1;
    }
    return steps;
  }

  /// Lets `total` pass on both nodes in steps of 100 ms: fires due timers,
  /// request timeouts, resends and reconnects, and runs what they cause.
  /// The contracts' wall clock (`now`) stays put: their dates are past.
  void pass(std::chrono::milliseconds total) {
    using std::chrono::milliseconds;
    for (auto t = milliseconds{0}; t < total; t += milliseconds{100}) {
      earth.sched.clock().advance_time(milliseconds{100});
      mars.sched.clock().advance_time(milliseconds{100});
      settle();
    }
  }

  /// Sends a request from `p`'s test actor, settles, returns the answer.
  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(planet& p, const Handle& dest, Ts&&... xs) {
    auto handle = p.self->request(dest, std::chrono::seconds{86400},
                                  std::forward<Ts>(xs)...);
    settle();
    caf::expected<T> result{caf::sec::request_timeout};
    if (p.self->mailbox().empty())
      return result;
    handle.receive([&](T& x) { result = std::move(x); },
                   [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  // -- documents and checks -------------------------------------------------

  static device_record printer_record(const std::string& id) {
    return device_record{device_id{id},
                         customer_id{"acme"},
                         "MFP-C3000",
                         *firmware_version::parse("2.4.0"),
                         {}};
  }

  contract make_contract(const std::string& id,
                         const std::string& device_list) {
    auto text = R"({"id":")" + id
                + R"(","version":1,"customer":"acme",)"
                  R"("start":"2026-11-01T00:00:00Z",)"
                  R"("end":"2027-11-01T00:00:00Z","devices":)"
                + device_list + R"(,"services":{"data_backup":{}}})";
    auto doc = parse_contract(text, *cat);
    if (!doc)
      CAF_FAIL("bad test contract: " << doc.error().to_string());
    return std::move(doc).value();
  }

  contract_state state_of(const std::string& id) {
    auto view = ask<contract_view>(earth, c1_contracts, atom::get_v,
                                   contract_id{id});
    CAF_REQUIRE(view);
    return view->summary.state;
  }

  /// On mars: how many instructions were applied, and how many of them
  /// more than once.
  std::pair<size_t, size_t> mars_effects() {
    auto txn = d1.env->begin_read();
    CAF_REQUIRE(txn);
    size_t total = 0;
    size_t twice = 0;
    auto ok = persistence::receiver_ledger::for_each_effect(
      txn, [&](const stream_id&, uint64_t, uint64_t count) {
        ++total;
        if (count != 1)
          ++twice;
      });
    CAF_REQUIRE(ok);
    return {total, twice};
  }
};

inline bool is(const caf::error& x, error_code code) {
  return x.category() == caf::atom("onset")
         && x.code() == static_cast<uint8_t>(code);
}

} // namespace onset::test
