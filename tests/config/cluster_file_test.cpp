// The cluster file: a good one is read as written, and every refusal names
// its field.
#define CAF_SUITE cluster_file
#include <caf/test/unit_test.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "config/cluster_file.hpp"
#include "tests/support/refusal.hpp"
#include "tests/support/shipped_catalog.hpp"

using namespace onset;
using json = nlohmann::json;

namespace {

json five_nodes() {
  return json::parse(R"({
    "heartbeat_interval_ms": 200,
    "heartbeat_timeout_ms": 1000,
    "nodes": [
      {"name": "gw", "host": "127.0.0.1", "port": 7500, "gateway_port": 7411,
       "roles": ["gateway"]},
      {"name": "c1", "host": "127.0.0.1", "port": 7501, "roles": ["contracts"]},
      {"name": "c2", "host": "127.0.0.1", "port": 7502, "roles": ["contracts"]},
      {"name": "d1", "host": "127.0.0.1", "port": 7503,
       "roles": ["devices", "services"]},
      {"name": "d2", "host": "127.0.0.1", "port": 7504, "roles": ["devices"]}
    ]})");
}

void check_refused(const json& doc, const std::string& field,
                   const std::string& fragment) {
  test::check_refusal(config::parse_cluster(doc.dump()), field, fragment,
                      doc.dump());
}

} // namespace

CAF_TEST(a five node cluster is read as written) {
  auto result = config::parse_cluster(five_nodes().dump());
  CAF_REQUIRE(result);
  auto& spec = result.value();
  CAF_CHECK_EQUAL(spec.heartbeat_interval.count(), 200);
  CAF_CHECK_EQUAL(spec.heartbeat_timeout.count(), 1000);
  CAF_REQUIRE_EQUAL(spec.nodes.size(), 5u);
  auto* gw = spec.find("gw");
  CAF_REQUIRE(gw != nullptr);
  CAF_CHECK_EQUAL(gw->port, 7500u);
  CAF_CHECK_EQUAL(gw->gateway_port, 7411u);
  CAF_CHECK_EQUAL(gw->address(), "127.0.0.1:7500");
  CAF_CHECK(spec.find("nope") == nullptr);
  auto* d1 = spec.find("d1");
  CAF_REQUIRE(d1 != nullptr);
  CAF_CHECK(d1->has(config::node_role::devices));
  CAF_CHECK(d1->has(config::node_role::services));
  CAF_CHECK(!d1->has(config::node_role::contracts));
  CAF_CHECK_EQUAL(spec.holders(config::node_role::contracts),
                  (std::vector<std::string>{"c1", "c2"}));
  CAF_CHECK_EQUAL(spec.holders(config::node_role::devices),
                  (std::vector<std::string>{"d1", "d2"}));
  CAF_CHECK_EQUAL(spec.holders(config::node_role::services),
                  (std::vector<std::string>{"d1"}));
}

CAF_TEST(heartbeat settings default when absent) {
  auto doc = five_nodes();
  doc.erase("heartbeat_interval_ms");
  doc.erase("heartbeat_timeout_ms");
  auto result = config::parse_cluster(doc.dump());
  CAF_REQUIRE(result);
  CAF_CHECK_EQUAL(result.value().heartbeat_interval.count(), 500);
  CAF_CHECK_EQUAL(result.value().heartbeat_timeout.count(), 3000);
}

CAF_TEST(one node may hold every role) {
  auto doc = json::parse(R"({"nodes": [{"name": "all", "host": "localhost",
    "port": 7500, "gateway_port": 7411,
    "roles": ["gateway", "contracts", "devices", "services"]}]})");
  CAF_CHECK(config::parse_cluster(doc.dump()));
}

CAF_TEST(the shipped examples are valid) {
  CAF_CHECK(config::load_cluster_file(
    test::source_path("deploy/cluster-example.json")));
  CAF_CHECK(
    config::load_cluster_file(test::source_path("deploy/cluster-local.json")));
}

CAF_TEST(not json and unknown fields are refused) {
  auto result = config::parse_cluster("{\"nodes\": [");
  CAF_REQUIRE(!result);
  CAF_CHECK_EQUAL(result.error().field, "document");
  auto doc = five_nodes();
  doc["heartbeat_ms"] = 5;
  check_refused(doc, "heartbeat_ms", "unknown field");
  doc = five_nodes();
  doc["nodes"][2]["weight"] = 3;
  check_refused(doc, "nodes[2].weight", "unknown field");
  check_refused(json::array(), "document", "must be a JSON object");
}

CAF_TEST(missing and ill typed fields are refused) {
  auto doc = five_nodes();
  doc.erase("nodes");
  check_refused(doc, "nodes", "is missing");
  doc["nodes"] = json::array();
  check_refused(doc, "nodes", "must not be empty");
  doc["nodes"] = "gw";
  check_refused(doc, "nodes", "must be an array");
  doc = five_nodes();
  doc["nodes"][1].erase("host");
  check_refused(doc, "nodes[1].host", "is missing");
  doc = five_nodes();
  doc["nodes"][1]["name"] = 7;
  check_refused(doc, "nodes[1].name", "must be a string");
  doc = five_nodes();
  doc["nodes"][1]["name"] = "c 1";
  check_refused(doc, "nodes[1].name", "may only hold");
  doc = five_nodes();
  doc["nodes"][3].erase("roles");
  check_refused(doc, "nodes[3].roles", "is missing");
  doc = five_nodes();
  doc["nodes"][3]["roles"] = json::array();
  check_refused(doc, "nodes[3].roles", "must not be empty");
  doc = five_nodes();
  doc["nodes"][0] = "gw";
  check_refused(doc, "nodes[0]", "must be a JSON object");
}

CAF_TEST(an unknown role is refused) {
  auto doc = five_nodes();
  doc["nodes"][3]["roles"] = {"devices", "printers"};
  check_refused(doc, "nodes[3].roles[1]", "unknown role 'printers'");
}

CAF_TEST(a role listed twice on one node is refused) {
  auto doc = five_nodes();
  doc["nodes"][3]["roles"] = {"devices", "devices"};
  check_refused(doc, "nodes[3].roles[1]", "");
}

CAF_TEST(bad ports are refused) {
  auto doc = five_nodes();
  doc["nodes"][1]["port"] = 0;
  check_refused(doc, "nodes[1].port", "at least 1");
  doc["nodes"][1]["port"] = 70000;
  check_refused(doc, "nodes[1].port", "at most 65535");
  doc["nodes"][1]["port"] = "7501";
  check_refused(doc, "nodes[1].port", "whole number");
  doc = five_nodes();
  doc["nodes"][0]["gateway_port"] = -1;
  check_refused(doc, "nodes[0].gateway_port", "at least 1");
}

CAF_TEST(the gateway port belongs to gateway nodes only) {
  auto doc = five_nodes();
  doc["nodes"][0].erase("gateway_port");
  check_refused(doc, "nodes[0].gateway_port", "is missing");
  doc = five_nodes();
  doc["nodes"][1]["gateway_port"] = 7412;
  check_refused(doc, "nodes[1].gateway_port", "only a node with the gateway");
}

CAF_TEST(duplicate node names are refused) {
  auto doc = five_nodes();
  doc["nodes"][2]["name"] = "c1";
  check_refused(doc, "nodes[2].name", "duplicate node name 'c1'");
}

CAF_TEST(duplicate addresses are refused) {
  auto doc = five_nodes();
  doc["nodes"][2]["port"] = 7501;
  check_refused(doc, "nodes[2].port", "duplicate address 127.0.0.1:7501");
  doc = five_nodes();
  doc["nodes"][0]["gateway_port"] = 7500;
  check_refused(doc, "nodes[0].gateway_port", "duplicate address");
  doc = five_nodes();
  doc["nodes"][4]["port"] = 7411;
  check_refused(doc, "nodes[4].port", "(also nodes[0].gateway_port)");
  CAF_MESSAGE("the same port on another host is fine");
  doc = five_nodes();
  doc["nodes"][2]["host"] = "10.0.0.2";
  doc["nodes"][2]["port"] = 7501;
  CAF_CHECK(config::parse_cluster(doc.dump()));
}

CAF_TEST(a role no node holds is refused) {
  for (auto role : {"gateway", "contracts", "devices", "services"}) {
    CAF_MESSAGE("without " << role);
    auto doc = five_nodes();
    auto& nodes = doc["nodes"];
    for (size_t i = nodes.size(); i-- > 0;) {
      auto roles = nodes[i]["roles"].get<std::vector<std::string>>();
      roles.erase(std::remove(roles.begin(), roles.end(), role), roles.end());
      if (roles.empty()) {
        nodes.erase(i);
        continue;
      }
      nodes[i]["roles"] = roles;
      if (std::string{role} == "gateway")
        nodes[i].erase("gateway_port");
    }
    check_refused(doc, "nodes", std::string{"no node holds the "} + role);
  }
}

CAF_TEST(heartbeat settings out of range are refused) {
  auto doc = five_nodes();
  doc["heartbeat_interval_ms"] = 5;
  check_refused(doc, "heartbeat_interval_ms", "at least 10");
  doc = five_nodes();
  doc["heartbeat_timeout_ms"] = 900;
  check_refused(doc, "heartbeat_timeout_ms", "at least 1000");
  doc["heartbeat_interval_ms"] = 800;
  doc["heartbeat_timeout_ms"] = 1500;
  check_refused(doc, "heartbeat_timeout_ms", "at least 1600");
  doc = five_nodes();
  doc["heartbeat_interval_ms"] = 2000;
  doc.erase("heartbeat_timeout_ms");
  check_refused(doc, "heartbeat_timeout_ms", "at least twice");
}

CAF_TEST(a file that cannot be read is refused naming it) {
  auto result = config::load_cluster_file("/nonexistent/cluster.json");
  CAF_REQUIRE(!result);
  CAF_CHECK_EQUAL(result.error().field, "/nonexistent/cluster.json");
  CAF_CHECK_EQUAL(result.error().reason, "cannot be read");
}
