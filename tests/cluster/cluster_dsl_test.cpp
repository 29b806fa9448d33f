// Two nodes of a cluster in one process on CAF's simulated network: a
// contract on the contracts node provisions a printer on the devices node
// through the ROUTERs, and a link that breaks and comes back leads to a
// resend and exactly one effect per instruction. The embedded node is the
// same wiring with one node holding every role.
#define CAF_SUITE cluster_dsl
#include "tests/cluster/cluster_fixture.hpp"

#include "nodes/embedded_node.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

CAF_TEST_FIXTURE_SCOPE(cluster_dsl_tests, cluster_fixture)

CAF_TEST(the peer link finds the remote supervisors and reports the node) {
  auto nodes = ask<std::vector<node_status>>(earth, c1_view, atom::list_v,
                                             atom::nodes_v);
  CAF_REQUIRE(nodes);
  CAF_REQUIRE_EQUAL(nodes->size(), 2u);
  CAF_CHECK_EQUAL((*nodes)[0].name, "c1");
  CAF_CHECK((*nodes)[0].reachable);
  CAF_CHECK_EQUAL((*nodes)[0].peers, 1u);
  CAF_CHECK_EQUAL((*nodes)[0].peers_up, 1u);
  CAF_CHECK_EQUAL((*nodes)[1].name, "d1");
  CAF_CHECK_EQUAL((*nodes)[1].address, "mars:7500");
  CAF_CHECK((*nodes)[1].reachable);
  CAF_CHECK_EQUAL((*nodes)[1].roles,
                  (std::vector<std::string>{"devices", "services"}));
}

CAF_TEST(a contract on one node provisions a printer on another) {
  CAF_MESSAGE("the printer is registered on mars through earth's router");
  auto enrolled
    = ask<atom::ok>(earth, c1_device_router, atom::enroll_v,
                    std::vector<device_record>{printer_record("MFP-1")});
  CAF_REQUIRE(enrolled);
  auto on_mars = ask<std::vector<device_record>>(mars, d1_devices,
                                                 atom::list_v);
  CAF_REQUIRE(on_mars);
  CAF_CHECK_EQUAL(on_mars->size(), 1u);
  CAF_MESSAGE("earth's CONTRACT SUPERVISOR checks tenancy on mars");
  auto submitted = ask<submit_result>(earth, c1_contracts, atom::submit_v,
                                      make_contract("C-1", R"(["MFP-1"])"),
                                      requester{});
  CAF_REQUIRE(submitted);
  CAF_MESSAGE("the CONTRACT sends each step to mars and records the acks");
  pass(std::chrono::seconds{3});
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::active);
  auto view = ask<device_view>(earth, c1_device_router, atom::get_v,
                               device_id{"MFP-1"});
  CAF_REQUIRE(view);
  CAF_CHECK_EQUAL(view->state.firmware.to_string(), "3.2.1");
  auto [total, twice] = mars_effects();
  CAF_CHECK_EQUAL(total, 5u);
  CAF_CHECK_EQUAL(twice, 0u);
  auto nodes = ask<std::vector<node_status>>(earth, c1_view, atom::list_v,
                                             atom::nodes_v);
  CAF_REQUIRE(nodes);
  CAF_CHECK_EQUAL((*nodes)[0].contracts, 1u);
  CAF_CHECK_EQUAL((*nodes)[1].devices, 1u);
}

CAF_TEST(a broken link leads to a resend and exactly one effect) {
  CAF_REQUIRE(
    ask<atom::ok>(earth, c1_device_router, atom::enroll_v,
                  std::vector<device_record>{printer_record("MFP-1")}));
  CAF_REQUIRE(ask<submit_result>(earth, c1_contracts, atom::submit_v,
                                 make_contract("C-2", R"(["MFP-1"])"),
                                 requester{}));
  CAF_MESSAGE("the printer installs firmware (1 s); the link breaks meanwhile");
  pass(std::chrono::milliseconds{300});
  CAF_REQUIRE_EQUAL(state_of("C-2"), contract_state::provisioning);
  cut_link();
  auto nodes = ask<std::vector<node_status>>(earth, c1_view, atom::list_v,
                                             atom::nodes_v);
  CAF_REQUIRE(nodes);
  CAF_CHECK(!(*nodes)[1].reachable);
  CAF_CHECK_EQUAL((*nodes)[0].peers_up, 0u);
  CAF_MESSAGE("requests for mars fail at once while it is unreachable");
  auto refused = ask<device_view>(earth, c1_device_router, atom::get_v,
                                  device_id{"MFP-1"});
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::unreachable));
  CAF_MESSAGE("mars commits the firmware; its ack is lost with the link");
  pass(std::chrono::seconds{3});
  CAF_CHECK_EQUAL(state_of("C-2"), contract_state::provisioning);
  auto [applied, _] = mars_effects();
  CAF_CHECK_GREATER_OR_EQUAL(applied, 2u);
  CAF_MESSAGE("the link comes back: earth reconnects and resends");
  prepare_mars_connection();
  pass(std::chrono::seconds{4});
  CAF_CHECK_EQUAL(state_of("C-2"), contract_state::active);
  auto [total, twice] = mars_effects();
  CAF_CHECK_EQUAL(total, 5u);
  CAF_CHECK_EQUAL(twice, 0u);
  nodes = ask<std::vector<node_status>>(earth, c1_view, atom::list_v,
                                        atom::nodes_v);
  CAF_REQUIRE(nodes);
  CAF_CHECK((*nodes)[1].reachable);
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

/// The embedded node (`onset-node` without `--cluster`), wired by the same
/// function on one deterministic scheduler, its API port picked at start.
struct embedded_fixture : test_coordinator_fixture<dsl_config> {
  node_storage_parts storage;
  nodes::wired_node node;

  embedded_fixture() {
    storage.open(sys);
    nodes::node_options options;
    options.api.port = 0;
    auto spec = nodes::embedded_cluster(options);
    nodes::node_resources res;
    res.cat = std::make_shared<const catalog>(shipped_catalog());
    res.env = storage.env.get();
    res.store = storage.store;
    res.now = [] { return *utc_time::parse_rfc3339("2026-11-30T00:00:00Z"); };
    res.into_second = {};
    node = nodes::wire_node(sys, spec, spec.nodes.front(), res, options);
    // Messages only: run() would also fire the timers, which re-arm.
    sched.run();
  }

  ~embedded_fixture() {
    for (auto& x : node.in_stop_order())
      if (x)
        caf::anon_send_exit(x, caf::exit_reason::kill);
    caf::anon_send_exit(storage.store, caf::exit_reason::kill);
    sched.run();
    storage.env.reset();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(embedded_tests, embedded_fixture)

CAF_TEST(the embedded node is a cluster of one holding every role) {
  CAF_MESSAGE(
    "no ROUTERs, no PEER LINKs: the GATEWAY talks to the supervisors");
  CAF_CHECK(!node.routers.devices);
  CAF_CHECK(!node.routers.contracts);
  CAF_CHECK(!node.routers.services);
  CAF_CHECK(node.links.empty());
  CAF_REQUIRE(node.gateway);
  CAF_MESSAGE("`onset cluster` shows one node, its address the API's");
  auto answer = self->request(node.view, caf::infinite, atom::list_v,
                              atom::nodes_v);
  sched.run();
  answer.receive(
    [](std::vector<node_status>& nodes) {
      CAF_REQUIRE_EQUAL(nodes.size(), 1u);
      CAF_CHECK_EQUAL(nodes[0].name, "embedded");
      CAF_CHECK_EQUAL(nodes[0].address, "127.0.0.1:auto");
      CAF_CHECK_EQUAL(nodes[0].roles,
                      (std::vector<std::string>{"gateway", "contracts",
                                                "devices", "services"}));
      CAF_CHECK(nodes[0].reachable);
      CAF_CHECK_EQUAL(nodes[0].peers, 0u);
    },
    [](caf::error& err) { CAF_FAIL("no cluster view: " << to_string(err)); });
}

CAF_TEST_FIXTURE_SCOPE_END()
