#include "config/endpoints_file.hpp"

#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "messages/endpoint_protocol.hpp"
#include "messages/json_input.hpp"

namespace onset::config {

using json = nlohmann::json;
using namespace json_input;

namespace {

constexpr int64_t max_port = 65535;

std::string resolve(const std::string& base_dir, const std::string& file) {
  if (file.empty() || file.front() == '/' || base_dir.empty())
    return file;
  return base_dir + "/" + file;
}

/// `http://host[:port]` or `https://host[:port]`, nothing else.
std::optional<std::string> url_problem(const std::string& url) {
  std::string rest;
  if (url.rfind("http://", 0) == 0)
    rest = url.substr(7);
  else if (url.rfind("https://", 0) == 0)
    rest = url.substr(8);
  else
    return "'" + url + "' must begin with http:// or https://";
  if (!rest.empty() && rest.back() == '/')
    rest.pop_back();
  if (rest.find('/') != std::string::npos)
    return "'" + url + "' must not have a path (the protocol's paths begin "
           + "with /" + std::string{endpoint::version} + ")";
  auto colon = rest.rfind(':');
  auto host = rest.substr(0, colon);
  if (host.empty())
    return "'" + url + "' has no host";
  for (char c : host)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-'
        && c != '_')
      return "'" + url + "' has a bad host name '" + host + "'";
  if (colon == std::string::npos)
    return std::nullopt;
  auto port = rest.substr(colon + 1);
  if (port.empty() || port.size() > 5
      || port.find_first_not_of("0123456789") != std::string::npos
      || std::stol(port) < 1 || std::stol(port) > max_port)
    return "'" + url + "' has a bad port '" + port + "'";
  return std::nullopt;
}

/// The token: the file must be private to its owner (a token readable by
/// others is a leaked token).
outcome<std::string> read_token(const std::string& file,
                                const std::string& field) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0)
    return invalid_input{field, "token file " + file + " cannot be read"};
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o",
                  static_cast<unsigned>(info.st_mode & 07777));
    return invalid_input{field, "token file " + file
                                  + " is accessible by group or others (mode "
                                  + mode + "); make it chmod 600"};
  }
  std::ifstream in{file};
  if (!in)
    return invalid_input{field, "token file " + file + " cannot be read"};
  std::ostringstream text;
  text << in.rdbuf();
  auto token = text.str();
  while (!token.empty()
         && std::isspace(static_cast<unsigned char>(token.back())))
    token.pop_back();
  if (token.empty())
    return invalid_input{field, "token file " + file + " is empty"};
  if (token.find_first_of(" \t\r\n") != std::string::npos)
    return invalid_input{field,
                         "token file " + file + " holds more than one word"};
  return token;
}

/// An optional TLS file: readable when named.
outcome<std::string> read_tls_file(const json& obj, const std::string& parent,
                                   const char* key,
                                   const std::string& base_dir) {
  auto name = optional_string(obj, parent, key);
  if (!name || name.value().empty())
    return name;
  auto file = resolve(base_dir, name.value());
  if (!std::ifstream{file})
    return invalid_input{path(parent, key), file + " cannot be read"};
  return file;
}

outcome<int64_t> optional_integer(const json& obj, const std::string& parent,
                                  const char* key, int64_t min, int64_t max,
                                  int64_t fallback) {
  if (!obj.contains(key))
    return fallback;
  return required_integer(obj, parent, key, min, max);
}

/// The TLS fields fit the scheme: only for https, a certificate with its
/// key.
std::optional<invalid_input> check_tls(const endpoint_spec& x) {
  if (!x.https()) {
    for (auto [key, value] : {std::pair{"ca_file", &x.ca_file},
                              {"client_cert", &x.client_cert},
                              {"client_key", &x.client_key}})
      if (!value->empty())
        return invalid_input{path(x.name, key),
                             "is for https:// endpoints only"};
    return std::nullopt;
  }
  if (x.client_cert.empty() != x.client_key.empty())
    return invalid_input{path(x.name, x.client_cert.empty() ? "client_cert"
                                                            : "client_key"),
                         "is missing (client_cert and client_key go "
                         "together)"};
  return std::nullopt;
}

outcome<endpoint_spec> read_endpoint(const json& x, const std::string& field,
                                     const std::string& base_dir) {
  if (auto problem
      = check_object(x, field,
                     {"url", "token_file", "idempotent", "ca_file",
                      "client_cert", "client_key", "timeout_ms",
                      "deadline_margin_ms", "max_batch", "connections"}))
    return *problem;
  endpoint_spec result;
  result.name = field;
  auto url = required_string(x, field, "url");
  if (!url)
    return url.error();
  if (auto problem = url_problem(url.value()))
    return invalid_input{path(field, "url"), *problem};
  result.url = std::move(url).value();
  if (result.url.back() == '/')
    result.url.pop_back();
  auto token_file = required_string(x, field, "token_file");
  if (!token_file)
    return token_file.error();
  auto token = read_token(resolve(base_dir, token_file.value()),
                          path(field, "token_file"));
  if (!token)
    return token.error();
  result.token = std::move(token).value();
  auto idempotent = optional_bool(x, field, "idempotent", true);
  if (!idempotent)
    return idempotent.error();
  result.idempotent = idempotent.value();
  for (auto [key, out] : {std::pair{"ca_file", &result.ca_file},
                          {"client_cert", &result.client_cert},
                          {"client_key", &result.client_key}}) {
    auto file = read_tls_file(x, field, key, base_dir);
    if (!file)
      return file.error();
    *out = std::move(file).value();
  }
  if (auto problem = check_tls(result))
    return *problem;
  auto timeout = optional_integer(x, field, "timeout_ms", 1, max_timeout_ms,
                                  result.timeout.count());
  if (!timeout)
    return timeout.error();
  result.timeout = std::chrono::milliseconds{timeout.value()};
  auto margin = optional_integer(x, field, "deadline_margin_ms", 0,
                                 max_timeout_ms,
                                 result.deadline_margin.count());
  if (!margin)
    return margin.error();
  result.deadline_margin = std::chrono::milliseconds{margin.value()};
  auto batch = optional_integer(x, field, "max_batch", 1,
                                static_cast<int64_t>(endpoint::max_batch),
                                static_cast<int64_t>(result.max_batch));
  if (!batch)
    return batch.error();
  result.max_batch = static_cast<size_t>(batch.value());
  auto connections = optional_integer(x, field, "connections", 1,
                                      static_cast<int64_t>(max_connections),
                                      static_cast<int64_t>(result.connections));
  if (!connections)
    return connections.error();
  result.connections = static_cast<size_t>(connections.value());
  return result;
}

/// Reads `{"KEY": ENDPOINT, ...}` at `field`.
outcome<std::map<std::string, endpoint_spec>>
read_endpoint_map(const json& doc, const std::string& field,
                  const std::string& base_dir) {
  std::map<std::string, endpoint_spec> result;
  auto i = doc.find(field);
  if (i == doc.end())
    return result;
  if (!i->is_object())
    return invalid_input{field, "must be an object of endpoints, not "
                                  + type_name(*i)};
  for (auto& [key, value] : i->items()) {
    auto x = read_endpoint(value, path(field, key), base_dir);
    if (!x)
      return x.error();
    result.emplace(key, std::move(x).value());
  }
  return result;
}

/// Every named service is in the catalog, every catalog service has an
/// endpoint.
std::optional<invalid_input>
check_services(const std::map<std::string, endpoint_spec>& services,
               const catalog& cat) {
  for (auto& [name, x] : services)
    if (name != "*" && cat.find(service_id{name}) == nullptr)
      return invalid_input{path("services", name),
                           "is not a catalog service (known: "
                             + cat.service_names() + ")"};
  if (services.count("*") != 0)
    return std::nullopt;
  for (auto& [id, spec] : cat.services)
    if (services.count(id.str()) == 0)
      return invalid_input{path("services", id.str()),
                           "is missing (every catalog service needs an "
                           "endpoint, or name \"*\" for the others)"};
  return std::nullopt;
}

} // namespace

const endpoint_spec&
endpoints_spec::for_customer(const std::string& customer) const {
  auto i = printers_by_customer.find(customer);
  return i != printers_by_customer.end() ? i->second : printers;
}

const endpoint_spec&
endpoints_spec::for_service(const std::string& service) const {
  auto i = services.find(service);
  return i != services.end() ? i->second : services.at("*");
}

outcome<endpoints_spec> parse_endpoints(std::string_view text,
                                        const catalog& cat,
                                        const std::string& base_dir) {
  auto parsed = parse_document(text);
  if (!parsed)
    return parsed.error();
  auto& doc = parsed.value();
  if (auto problem
      = check_object(doc, "", {"printers", "printers_by_customer", "services"}))
    return *problem;
  endpoints_spec result;
  auto printers = doc.find("printers");
  if (printers == doc.end())
    return invalid_input{"printers", "is missing"};
  auto main = read_endpoint(*printers, "printers", base_dir);
  if (!main)
    return main.error();
  result.printers = std::move(main).value();
  auto by_customer = read_endpoint_map(doc, "printers_by_customer", base_dir);
  if (!by_customer)
    return by_customer.error();
  result.printers_by_customer = std::move(by_customer).value();
  if (!doc.contains("services"))
    return invalid_input{"services", "is missing"};
  auto services = read_endpoint_map(doc, "services", base_dir);
  if (!services)
    return services.error();
  result.services = std::move(services).value();
  if (auto problem = check_services(result.services, cat))
    return *problem;
  return result;
}

outcome<endpoints_spec> load_endpoints_file(const std::string& file,
                                            const catalog& cat) {
  std::ifstream in{file};
  if (!in)
    return invalid_input{file, "cannot be read"};
  std::ostringstream text;
  text << in.rdbuf();
  auto slash = file.rfind('/');
  auto base_dir = slash == std::string::npos ? std::string{"."}
                                             : file.substr(0, slash);
  auto result = parse_endpoints(text.str(), cat, base_dir);
  if (!result) {
    auto& problem = result.error();
    return invalid_input{file + ": " + problem.field, problem.reason};
  }
  return result;
}

} // namespace onset::config
