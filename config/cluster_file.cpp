#include "config/cluster_file.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "messages/json_input.hpp"

namespace onset::config {

using json = nlohmann::json;
using namespace json_input;

namespace {

constexpr node_role all_roles[] = {node_role::gateway, node_role::contracts,
                                   node_role::devices, node_role::services};

/// Heartbeat bounds, in milliseconds. The timeout must leave room for at
/// least two heartbeats, or a busy but healthy peer would be dropped; and
/// for several of the 250 ms heartbeats of clients such as the CLI
/// (nodes/system_config.cpp), which a node drops just the same.
constexpr int64_t min_interval_ms = 10;
constexpr int64_t max_interval_ms = 60'000;
constexpr int64_t min_timeout_ms = 1'000;
constexpr int64_t max_timeout_ms = 600'000;

bool valid_name(const std::string& x) {
  return std::all_of(x.begin(), x.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

outcome<node_role> read_role(const std::string& text,
                             const std::string& field) {
  for (auto x : all_roles)
    if (to_string(x) == text)
      return x;
  return invalid_input{field, "unknown role '" + text
                                + "' (known: gateway, contracts, devices, "
                                  "services)"};
}

outcome<uint16_t> read_port(const json& obj, const std::string& parent,
                            const char* key) {
  auto port = required_integer(obj, parent, key, 1, 65535);
  if (!port)
    return port.error();
  return static_cast<uint16_t>(port.value());
}

outcome<cluster_node> read_node(const json& x, const std::string& field) {
  if (auto problem = check_object(
        x, field, {"name", "host", "port", "gateway_port", "roles"}))
    return *problem;
  cluster_node result;
  auto name = required_string(x, field, "name");
  if (!name)
    return name.error();
  if (!valid_name(name.value()))
    return invalid_input{path(field, "name"),
                         "'" + name.value()
                           + "' may only hold letters, digits, '.', '_' "
                             "and '-'"};
  result.name = std::move(name).value();
  auto host = required_string(x, field, "host");
  if (!host)
    return host.error();
  result.host = std::move(host).value();
  auto port = read_port(x, field, "port");
  if (!port)
    return port.error();
  result.port = port.value();
  auto roles = string_array(x, field, "roles", true, false);
  if (!roles)
    return roles.error();
  for (size_t i = 0; i < roles.value().size(); ++i) {
    auto role = read_role(roles.value()[i], path(path(field, "roles"), i));
    if (!role)
      return role.error();
    result.roles.push_back(role.value());
  }
  if (result.has(node_role::gateway)) {
    if (!x.contains("gateway_port"))
      return invalid_input{path(field, "gateway_port"),
                           "is missing (node " + result.name
                             + " holds the gateway role)"};
    auto gateway_port = read_port(x, field, "gateway_port");
    if (!gateway_port)
      return gateway_port.error();
    result.gateway_port = gateway_port.value();
  } else if (x.contains("gateway_port")) {
    return invalid_input{path(field, "gateway_port"),
                         "only a node with the gateway role has one"};
  }
  return result;
}

outcome<std::chrono::milliseconds> read_ms(const json& doc, const char* key,
                                           int64_t min, int64_t max,
                                           std::chrono::milliseconds fallback) {
  if (!doc.contains(key))
    return fallback;
  auto value = required_integer(doc, "", key, min, max);
  if (!value)
    return value.error();
  return std::chrono::milliseconds{value.value()};
}

/// `tls` or `"insecure": true`, exactly one: a file that forgets its
/// certificates is refused rather than run in the clear.
outcome<std::optional<cluster_tls>> read_tls(const json& doc) {
  auto insecure = optional_bool(doc, "", "insecure", false);
  if (!insecure)
    return insecure.error();
  auto tls = doc.find("tls");
  if (tls == doc.end()) {
    if (!insecure.value())
      return invalid_input{"tls",
                           "is missing: cluster connections are mutual TLS "
                           "(docs/cluster.md, \"Certificates\"); only a test "
                           "cluster may say \"insecure\": true instead"};
    return std::optional<cluster_tls>{};
  }
  if (insecure.value())
    return invalid_input{"insecure", "cannot be true beside tls (choose one)"};
  if (auto problem = check_object(*tls, "tls", {"dir"}))
    return *problem;
  auto dir = required_string(*tls, "tls", "dir");
  if (!dir)
    return dir.error();
  return std::optional<cluster_tls>{cluster_tls{std::move(dir).value()}};
}

/// Names and addresses are unique, and every role has a node.
std::optional<invalid_input> check_cluster(const cluster_spec& spec) {
  std::map<std::string, size_t> names;
  std::map<std::pair<std::string, uint16_t>, std::string> addresses;
  for (size_t i = 0; i < spec.nodes.size(); ++i) {
    auto& x = spec.nodes[i];
    auto field = path("nodes", i);
    if (auto [pos, added] = names.emplace(x.name, i); !added)
      return invalid_input{path(field, "name"),
                           "duplicate node name '" + x.name + "' (also nodes["
                             + std::to_string(pos->second) + "])"};
    auto claim = [&](uint16_t port,
                     const char* key) -> std::optional<invalid_input> {
      auto [pos, added] = addresses.emplace(std::make_pair(x.host, port),
                                            field + "." + key);
      if (added)
        return std::nullopt;
      return invalid_input{path(field, key), "duplicate address " + x.host + ":"
                                               + std::to_string(port)
                                               + " (also " + pos->second + ")"};
    };
    if (auto problem = claim(x.port, "port"))
      return problem;
    if (x.has(node_role::gateway))
      if (auto problem = claim(x.gateway_port, "gateway_port"))
        return problem;
  }
  for (auto role : all_roles)
    if (spec.holders(role).empty())
      return invalid_input{"nodes", "no node holds the "
                                      + std::string{to_string(role)}
                                      + " role (every role needs a node)"};
  return std::nullopt;
}

} // namespace

std::string_view to_string(node_role x) {
  switch (x) {
    case node_role::gateway:
      return "gateway";
    case node_role::contracts:
      return "contracts";
    case node_role::devices:
      return "devices";
    case node_role::services:
      return "services";
  }
  return "unknown";
}

bool cluster_node::has(node_role x) const {
  return std::find(roles.begin(), roles.end(), x) != roles.end();
}

std::string cluster_node::address() const {
  return host + ":" + std::to_string(port);
}

const cluster_node* cluster_spec::find(std::string_view name) const {
  for (auto& x : nodes)
    if (x.name == name)
      return &x;
  return nullptr;
}

std::vector<std::string> cluster_spec::holders(node_role x) const {
  std::vector<std::string> result;
  for (auto& n : nodes)
    if (n.has(x))
      result.push_back(n.name);
  return result;
}

outcome<cluster_spec> parse_cluster(std::string_view text) {
  auto parsed = parse_document(text);
  if (!parsed)
    return parsed.error();
  auto& doc = parsed.value();
  if (auto problem
      = check_object(doc, "",
                     {"heartbeat_interval_ms", "heartbeat_timeout_ms", "nodes",
                      "tls", "insecure"}))
    return *problem;
  cluster_spec result;
  auto interval = read_ms(doc, "heartbeat_interval_ms", min_interval_ms,
                          max_interval_ms, result.heartbeat_interval);
  if (!interval)
    return interval.error();
  result.heartbeat_interval = interval.value();
  auto timeout
    = read_ms(doc, "heartbeat_timeout_ms",
              std::max(min_timeout_ms, 2 * result.heartbeat_interval.count()),
              max_timeout_ms, result.heartbeat_timeout);
  if (!timeout)
    return timeout.error();
  result.heartbeat_timeout = timeout.value();
  if (result.heartbeat_timeout < 2 * result.heartbeat_interval)
    return invalid_input{"heartbeat_timeout_ms",
                         "must be at least twice heartbeat_interval_ms ("
                           + std::to_string(2 * interval.value().count())
                           + ")"};
  auto nodes = doc.find("nodes");
  if (nodes == doc.end())
    return invalid_input{"nodes", "is missing"};
  if (!nodes->is_array())
    return invalid_input{"nodes", "must be an array of node objects, not "
                                    + type_name(*nodes)};
  if (nodes->empty())
    return invalid_input{"nodes", "must not be empty"};
  for (size_t i = 0; i < nodes->size(); ++i) {
    auto node = read_node((*nodes)[i], path("nodes", i));
    if (!node)
      return node.error();
    result.nodes.push_back(std::move(node).value());
  }
  if (auto problem = check_cluster(result))
    return *problem;
  auto tls = read_tls(doc);
  if (!tls)
    return tls.error();
  result.tls = std::move(tls).value();
  return result;
}

node_tls_files cluster_spec::tls_files(const cluster_node& node) const {
  auto& dir = tls->dir;
  return {dir + "/ca.pem", dir + "/" + node.name + ".pem",
          dir + "/" + node.name + ".key"};
}

outcome<cluster_spec> load_cluster_file(const std::string& file) {
  std::ifstream in{file};
  if (!in)
    return invalid_input{file, "cannot be read"};
  std::ostringstream text;
  text << in.rdbuf();
  auto result = parse_cluster(text.str());
  if (!result) {
    auto& problem = result.error();
    return invalid_input{file + ": " + problem.field, problem.reason};
  }
  auto& tls = result.value().tls;
  if (tls && tls->dir.front() != '/') {
    auto slash = file.rfind('/');
    if (slash != std::string::npos)
      tls->dir = file.substr(0, slash + 1) + tls->dir;
  }
  return result;
}

} // namespace onset::config
