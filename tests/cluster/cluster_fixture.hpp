// Two cluster nodes in one test process on CAF's simulated network
// (caf/test/io_dsl.hpp), each with its own LMDB in a temp dir and every
// actor on its own deterministic scheduler:
//
//   earth = node "c1" (gateway, contracts): CONTRACT SUPERVISOR, DEVICE and
//           SERVICE ROUTERs, a PEER LINK to mars, a NODE DIRECTORY, a
//           CLUSTER VIEW of both nodes and a GATEWAY (not published);
//   mars  = node "d1" (devices, services): DEVICE and SERVICE SUPERVISORs
//           and its NODE DIRECTORY, published on "mars":7500.
//
// Both are wired by the nodes' own wiring (nodes/node_wiring.hpp); only
// the publishing on the simulated network is the fixture's. With `faults`,
// earth's CONTRACT actors send through FAULT INJECTORs
// (actors/fault_injector.hpp).
//
// Time passes only when a test says so (`pass`); `settle` runs messages and
// network traffic on both nodes until two passes in a row find nothing to
// do (the simulated network can look idle while a reply is in transit).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/fault_plan.hpp"
#include "messages/contract_json.hpp"
#include "messages/error_code.hpp"
#include "nodes/node_wiring.hpp"
#include "nodes/system_config.hpp"
#include "persistence/environment.hpp"
#include "persistence/receiver_ledger.hpp"
#include "persistence/store_actor.hpp"
#include "tests/support/io_dsl.hpp"
#include "tests/support/shipped_catalog.hpp"
#include "tests/support/temp_dir.hpp"

namespace onset::test {

// The tests speak the actors' vocabulary unqualified.
using namespace onset::actors;

/// Onset's configuration, with the middleman's helper actors on the test
/// scheduler (detached ones would run on threads of their own).
struct dsl_config : nodes::system_config {
  dsl_config() {
    set("middleman.attach-utility-actors", true);
  }
};

using planet = test_node_fixture<test_coordinator_fixture<dsl_config>>;

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
    store = sys.spawn(persistence::store_behavior, env.get());
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
  /// Both nodes' options (engine, printers, faults), as `onset-node`'s
  /// command line would give them.
  nodes::node_options options;
  config::cluster_spec spec;

  // mars: d1
  node_storage_parts d1;
  nodes::wired_node d1_node;
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
  nodes::wired_node c1_node;
  device_router_actor c1_device_router;
  contract_supervisor_actor c1_contracts;
  cluster_view_actor c1_view;

  /// `tune` adjusts the engine configuration before the nodes start;
  /// `faults` are injected between earth's CONTRACT actors and the ROUTERs.
  explicit cluster_fixture(std::optional<fault_options> faults = {},
                           std::function<void(engine_config&)> tune = {})
    : super({&earth, &mars}),
      earth([this] { settle(); }),
      mars([this] { settle(); }),
      spec(cluster_of_two()) {
    auto& config = options.engine;
    config.request_timeout = std::chrono::seconds{2};
    config.resend_base = std::chrono::milliseconds{100};
    config.resend_cap = std::chrono::seconds{1};
    config.step_deadline = std::chrono::seconds{120};
    options.printer.firmware_latency = std::chrono::seconds{1};
    if (faults)
      options.test_faults = *faults;
    if (tune)
      tune(config);
    start_mars();
    start_earth();
    settle();
  }

  ~cluster_fixture() {
    stop(c1_node, c1);
    stop(d1_node, d1);
  }

  // -- the nodes ------------------------------------------------------------

  /// c1 on earth (gateway, contracts) and d1 on mars (devices, services).
  static config::cluster_spec cluster_of_two() {
    config::cluster_spec result;
    // A PEER LINK's connect attempt may take max(this, 1 s).
    result.heartbeat_timeout = std::chrono::seconds{1};
    config::cluster_node c1;
    c1.name = "c1";
    c1.host = "earth";
    c1.port = 7500;
    c1.gateway_port = 7411;
    c1.roles = {config::node_role::gateway, config::node_role::contracts};
    config::cluster_node d1;
    d1.name = "d1";
    d1.host = "mars";
    d1.port = mars_port;
    d1.roles = {config::node_role::devices, config::node_role::services};
    result.nodes = {c1, d1};
    return result;
  }

  /// Wires node `name` of `spec` in `p` with the production wiring; the
  /// CONTRACT actors' clock is the fixture's `now`.
  nodes::wired_node wire(planet& p, node_storage_parts& storage,
                         const std::string& name) {
    storage.open(p.sys);
    nodes::node_resources res;
    res.cat = cat;
    res.env = storage.env.get();
    res.store = storage.store;
    res.now = [this] { return now; };
    res.into_second = {};
    return nodes::wire_node(p.sys, spec, *spec.find(name), res, options);
  }

  /// Kills every actor of `node`, then its STORE, and closes its LMDB.
  void stop(nodes::wired_node& node, node_storage_parts& storage) {
    for (auto& x : node.in_stop_order())
      if (x)
        caf::anon_send_exit(x, caf::exit_reason::kill);
    caf::anon_send_exit(storage.store, caf::exit_reason::kill);
    settle();
    storage.env.reset();
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
    d1_node = wire(mars, d1, "d1");
    d1_devices = d1_node.local.devices;
    d1_services = d1_node.local.services;
    d1_directory = d1_node.directory;
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

  void start_earth() {
    c1_node = wire(earth, c1, "c1");
    c1_device_router = c1_node.routers.devices;
    c1_contracts = c1_node.local.contracts;
    c1_view = c1_node.view;
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

} // namespace onset::test
