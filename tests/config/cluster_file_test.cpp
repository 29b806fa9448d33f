// The cluster file: a good one is read as written, and every refusal names
// its field; a node's certificate files are checked before it starts.
#define CAF_SUITE cluster_file
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

#include "config/cluster_file.hpp"
#include "config/cluster_tls.hpp"
#include "tests/support/refusal.hpp"
#include "tests/support/shipped_catalog.hpp"
#include "tests/support/temp_dir.hpp"

using namespace onset;
using json = nlohmann::json;

namespace {

json five_nodes() {
  return json::parse(R"({
    "heartbeat_interval_ms": 200,
    "heartbeat_timeout_ms": 1000,
    "tls": {"dir": "/etc/onset/certs"},
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
  CAF_REQUIRE(spec.tls);
  auto files = spec.tls_files(*d1);
  CAF_CHECK_EQUAL(files.ca, "/etc/onset/certs/ca.pem");
  CAF_CHECK_EQUAL(files.cert, "/etc/onset/certs/d1.pem");
  CAF_CHECK_EQUAL(files.key, "/etc/onset/certs/d1.key");
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
  auto doc = json::parse(R"({"insecure": true,
    "nodes": [{"name": "all", "host": "localhost",
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

CAF_TEST(a cluster file without certificates is refused unless insecure) {
  auto doc = five_nodes();
  doc.erase("tls");
  check_refused(doc, "tls", "is missing: cluster connections are mutual TLS");
  doc["insecure"] = false;
  check_refused(doc, "tls", "is missing");
  doc["insecure"] = "yes";
  check_refused(doc, "insecure", "true or false");
  doc["insecure"] = true;
  auto result = config::parse_cluster(doc.dump());
  CAF_REQUIRE(result);
  CAF_CHECK(!result.value().tls);
  doc = five_nodes();
  doc["insecure"] = true;
  check_refused(doc, "insecure", "cannot be true beside tls");
  doc = five_nodes();
  doc["tls"] = "certs";
  check_refused(doc, "tls", "must be a JSON object");
  doc["tls"] = json::object();
  check_refused(doc, "tls.dir", "is missing");
  doc["tls"] = {{"dir", ""}};
  check_refused(doc, "tls.dir", "");
  doc["tls"] = {{"dir", "certs"}, {"ca", "ca.pem"}};
  check_refused(doc, "tls.ca", "unknown field");
}

CAF_TEST(a relative certificate directory is relative to the cluster file) {
  test::temp_dir dir;
  auto doc = five_nodes();
  doc["tls"]["dir"] = "certs";
  std::ofstream{dir.path() + "/cluster.json"} << doc.dump();
  auto result = config::load_cluster_file(dir.path() + "/cluster.json");
  CAF_REQUIRE(result);
  CAF_CHECK_EQUAL(result.value().tls->dir, dir.path() + "/certs");
  CAF_CHECK_EQUAL(result.value().tls_files(result.value().nodes[0]).cert,
                  dir.path() + "/certs/gw.pem");
}

CAF_TEST(a node starts only with certificates of the cluster CA) {
  test::temp_dir dir;
  auto certs = [&](const std::string& sub, const std::string& names) {
    auto cmd = test::source_path("scripts/cluster-certs.sh") + " " + dir.path()
               + "/" + sub + " " + names + " >/dev/null";
    CAF_REQUIRE_EQUAL(std::system(cmd.c_str()), 0);
  };
  certs("certs", "c1 c2");
  certs("other", "c1");
  auto in = [&](const std::string& sub, const std::string& file) {
    return dir.path() + "/" + sub + "/" + file;
  };
  config::node_tls_files good{in("certs", "ca.pem"), in("certs", "c1.pem"),
                              in("certs", "c1.key")};
  auto problem = config::check_node_tls(good);
  CAF_CHECK(!problem);
  if (problem)
    CAF_MESSAGE(problem->to_string());
  auto refused = [&](config::node_tls_files files, const std::string& field,
                     const std::string& fragment) {
    auto result = config::check_node_tls(files);
    CAF_REQUIRE(result);
    CAF_CHECK_EQUAL(result->field, field);
    if (result->reason.find(fragment) == std::string::npos)
      CAF_FAIL("'" << result->reason << "' lacks '" << fragment << "'");
  };
  auto x = good;
  x.key = in("certs", "c2.key");
  refused(x, x.key, "does not match the certificate");
  x = good;
  x.cert = in("other", "c1.pem");
  x.key = in("other", "c1.key");
  refused(x, x.cert, "does not verify against the cluster's CA");
  x = good;
  x.ca = in("certs", "nope.pem");
  refused(x, x.ca, "is not a readable PEM CA certificate");
  x = good;
  x.cert = in("certs", "nope.pem");
  refused(x, x.cert, "is not a readable PEM certificate");
  x = good;
  x.key = in("certs", "c1.pem");
  refused(x, x.key, "is not a readable unencrypted PEM private key");
}

CAF_TEST(a file that cannot be read is refused naming it) {
  auto result = config::load_cluster_file("/nonexistent/cluster.json");
  CAF_REQUIRE(!result);
  CAF_CHECK_EQUAL(result.error().field, "/nonexistent/cluster.json");
  CAF_CHECK_EQUAL(result.error().reason, "cannot be read");
}

// -- the endpoints file (config/endpoints_file.hpp) --------------------------

#undef CAF_SUITE
#define CAF_SUITE endpoints_file

#include <sys/stat.h>

#include <fstream>

#include "config/endpoints_file.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

struct endpoints_fixture {
  test::temp_dir dir;
  catalog cat = test::shipped_catalog();

  endpoints_fixture() {
    write("token", "s3cret\n", 0600);
    write("open-token", "s3cret\n", 0644);
  }

  void write(const std::string& name, const std::string& text, mode_t mode) {
    auto file = dir.path() + "/" + name;
    std::ofstream{file} << text;
    ::chmod(file.c_str(), mode);
  }

  static json endpoint(const char* url = "http://fleet.local:8080") {
    return json{{"url", url}, {"token_file", "token"}};
  }

  /// Every catalog service through `*`.
  static json good() {
    return json{{"printers", endpoint()}, {"services", {{"*", endpoint()}}}};
  }

  outcome<config::endpoints_spec> parse(const json& doc) {
    return config::parse_endpoints(doc.dump(), cat, dir.path());
  }

  void check_refused(const json& doc, const std::string& field,
                     const std::string& fragment) {
    test::check_refusal(parse(doc), field, fragment, doc.dump());
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(endpoints_file_tests, endpoints_fixture)

CAF_TEST(an endpoints file is read as written with its defaults) {
  auto doc = good();
  doc["printers_by_customer"]["acme"] = endpoint("https://acme.example:443");
  doc["printers_by_customer"]["acme"]["idempotent"] = false;
  doc["printers_by_customer"]["acme"]["max_batch"] = 256;
  doc["printers_by_customer"]["acme"]["connections"] = 4;
  doc["printers_by_customer"]["acme"]["timeout_ms"] = 1500;
  doc["printers_by_customer"]["acme"]["deadline_margin_ms"] = 250;
  doc["services"]["data_backup"] = endpoint("http://backup.local:9000");
  auto result = parse(doc);
  CAF_REQUIRE(result);
  auto& spec = result.value();
  CAF_CHECK_EQUAL(spec.printers.url, "http://fleet.local:8080");
  CAF_CHECK_EQUAL(spec.printers.token, "s3cret");
  CAF_CHECK(spec.printers.idempotent);
  CAF_CHECK_EQUAL(spec.printers.timeout.count(), 5000);
  CAF_CHECK_EQUAL(spec.printers.deadline_margin.count(), 1000);
  auto& acme = spec.for_customer("acme");
  CAF_CHECK_EQUAL(acme.name, "printers_by_customer.acme");
  CAF_CHECK(acme.https());
  CAF_CHECK(!acme.idempotent);
  CAF_CHECK_EQUAL(acme.max_batch, 256u);
  CAF_CHECK_EQUAL(acme.connections, 4u);
  CAF_CHECK_EQUAL(acme.timeout.count(), 1500);
  CAF_CHECK_EQUAL(acme.deadline_margin.count(), 250);
  CAF_CHECK_EQUAL(spec.for_customer("globex").name, "printers");
  CAF_CHECK_EQUAL(spec.for_service("data_backup").url,
                  "http://backup.local:9000");
  CAF_CHECK_EQUAL(spec.for_service("failure_prediction").name, "services.*");
}

CAF_TEST(a bad endpoints file is refused naming the field) {
  auto doc = good();
  doc["extra"] = 1;
  check_refused(doc, "extra", "unknown field");
  doc = good();
  doc.erase("printers");
  check_refused(doc, "printers", "is missing");
  doc = good();
  doc["services"]["data_backup"] = endpoint("ftp://backup.local");
  check_refused(doc, "services.data_backup.url", "http:// or https://");
  doc["services"]["data_backup"] = endpoint("http://backup.local/api");
  check_refused(doc, "services.data_backup.url", "path");
  doc["services"]["data_backup"] = endpoint("http://:80");
  check_refused(doc, "services.data_backup.url", "no host");
  doc["services"]["data_backup"] = endpoint("http://backup.local:99999");
  check_refused(doc, "services.data_backup.url", "bad port");
  doc = good();
  doc["services"]["data_backup"] = endpoint();
  doc["services"]["data_backup"]["retries"] = 3;
  check_refused(doc, "services.data_backup.retries", "unknown field");
  doc = good();
  doc["services"] = {{"data_backup", endpoint()}};
  check_refused(doc, "services.cloud_doc_backup", "is missing");
  doc = good();
  doc["services"]["coffee"] = endpoint();
  check_refused(doc, "services.coffee", "not a catalog service");
  doc = good();
  doc["printers"]["max_batch"] = 257;
  check_refused(doc, "printers.max_batch", "256");
  doc = good();
  doc["printers"]["connections"] = 0;
  check_refused(doc, "printers.connections", "");
  doc = good();
  doc["printers"]["deadline_margin_ms"] = -1;
  check_refused(doc, "printers.deadline_margin_ms", "");
  doc = good();
  doc["printers"]["idempotent"] = "yes";
  check_refused(doc, "printers.idempotent", "true or false");
  doc = good();
  doc["printers"]["ca_file"] = "token";
  check_refused(doc, "printers.ca_file", "https:// endpoints only");
  doc = good();
  doc["printers"] = endpoint("https://fleet.local");
  doc["printers"]["client_cert"] = "token";
  check_refused(doc, "printers.client_key", "is missing");
  doc = good();
  doc["printers"]["token_file"] = "nope";
  check_refused(doc, "printers.token_file", "cannot be read");
}

CAF_TEST(a token file others can read is refused naming the file) {
  auto doc = good();
  doc["services"]["*"]["token_file"] = "open-token";
  check_refused(doc, "services.*.token_file",
                dir.path() + "/open-token is accessible by group or others");
}

CAF_TEST(a refused endpoints file names the file) {
  write("endpoints.json", R"({"printers": {"url": "http://x"}})", 0600);
  auto result = config::load_endpoints_file(dir.path() + "/endpoints.json",
                                            cat);
  CAF_REQUIRE(!result);
  CAF_CHECK_EQUAL(result.error().field,
                  dir.path() + "/endpoints.json: printers.token_file");
}

CAF_TEST_FIXTURE_SCOPE_END()
