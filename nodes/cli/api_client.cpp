#include "nodes/cli/api_client.hpp"

#include <algorithm>
#include <cctype>
#include <variant>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "config/tls_client.hpp"
#include "messages/contract_json.hpp"
#include "messages/device_json.hpp"
#include "messages/json_input.hpp"
#include "nodes/cli/view_json.hpp"

namespace onset::cli {

using json = nlohmann::json;

namespace {

/// Answers nested deeper than this are refused unparsed; the API's own
/// documents nest at most six levels.
constexpr size_t max_answer_depth = 64;

/// Items asked for per page of a list (the API's maximum).
constexpr int page_size = 1000;

std::string seconds_text(api_client::duration x) {
  auto ms = x.count();
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

/// `text` with every byte but the unreserved ones of RFC 3986 as `%XX`.
std::string escaped(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string result;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      result.push_back(static_cast<char>(c));
    } else {
      result.push_back('%');
      result.push_back(hex[c >> 4]);
      result.push_back(hex[c & 15]);
    }
  }
  return result;
}

bool all_digits(std::string_view x) {
  return !x.empty() && x.size() <= 5
         && std::all_of(x.begin(), x.end(),
                        [](char c) { return c >= '0' && c <= '9'; });
}

} // namespace

std::string server_url::to_string() const {
  auto shown = host.find(':') == std::string::npos ? host : "[" + host + "]";
  return (https ? "https://" : "http://") + shown + ":" + std::to_string(port);
}

std::optional<server_url> parse_server_url(std::string_view text) {
  server_url result;
  if (text.rfind("http://", 0) == 0) {
    text.remove_prefix(7);
  } else if (text.rfind("https://", 0) == 0) {
    result.https = true;
    text.remove_prefix(8);
  } else {
    return std::nullopt;
  }
  if (!text.empty() && text.back() == '/')
    text.remove_suffix(1);
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close == 1)
      return std::nullopt;
    result.host = std::string{text.substr(1, close - 1)};
    auto rest = text.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || rest.size() == 1))
      return std::nullopt;
    port = rest.empty() ? rest : rest.substr(1);
  } else {
    auto colon = text.find(':');
    result.host = std::string{text.substr(0, colon)};
    if (colon != std::string_view::npos) {
      port = text.substr(colon + 1);
      if (port.empty())
        return std::nullopt;
    }
  }
  if (result.host.empty()
      || result.host.find_first_of("/?#@[] ") != std::string::npos)
    return std::nullopt;
  if (port.empty()) {
    result.port = result.https ? 443 : 80;
  } else {
    if (!all_digits(port))
      return std::nullopt;
    auto n = std::stoul(std::string{port});
    if (n == 0 || n > 65535)
      return std::nullopt;
    result.port = static_cast<uint16_t>(n);
  }
  return result;
}

struct api_client::impl {
  api_client_options options;
  std::string where;
  std::unique_ptr<httplib::Client> http;

  explicit impl(api_client_options x)
    : options(std::move(x)), where(options.server.to_string()) {
    http = std::make_unique<httplib::Client>(where);
    http->set_keep_alive(true);
    apply_timeout();
    if (!options.token.empty())
      http->set_bearer_token_auth(options.token);
    if (options.server.https) {
      http->enable_server_certificate_verification(true);
      if (!options.cacert.empty())
        http->set_ca_cert_path(options.cacert);
      config::expect_host(*http, options.server.host);
    }
  }

  void apply_timeout() {
    auto t = options.timeout;
    http->set_connection_timeout(t);
    http->set_read_timeout(t);
    http->set_write_timeout(t);
  }

  failure unreachable(std::string what) const {
    return {failure::unreachable, std::move(what)};
  }

  /// No answer: why, naming the server.
  failure no_answer(httplib::Error err,
                    std::chrono::steady_clock::duration took) const {
    auto prefix = "cannot reach the server at " + where + ": ";
    switch (err) {
      case httplib::Error::Connection:
      case httplib::Error::BindIPAddress:
        return unreachable(prefix
                           + "cannot connect (is onset-node running and "
                             "serving its API there?)");
      case httplib::Error::ConnectionTimeout:
        return unreachable(prefix + "no answer within "
                           + seconds_text(options.timeout));
      case httplib::Error::SSLConnection:
      case httplib::Error::SSLLoadingCerts:
      case httplib::Error::SSLServerVerification: {
        auto detail = config::tls_failure_detail(*http, err);
        return unreachable(prefix + "TLS: " + httplib::to_string(err)
                           + (detail.empty() ? "" : " (" + detail + ")"));
      }
      case httplib::Error::Read:
        // httplib says Read both for a timeout and for a closed connection.
        if (took >= options.timeout - std::chrono::milliseconds{50})
          return unreachable(prefix + "no answer within "
                             + seconds_text(options.timeout));
        return unreachable("lost the connection to the server at " + where);
      default:
        return unreachable("the server at " + where
                           + " failed: " + httplib::to_string(err));
    }
  }

  /// An answer that is not what docs/api.md says.
  failure malformed(int status, const std::string& what) const {
    return unreachable("the server at " + where + " sent a malformed answer ("
                       + std::to_string(status) + "): " + what);
  }

  /// `text` as JSON, or why not.
  std::variant<json, std::string> parse(const std::string& text) const {
    if (json_input::json_nesting(text, max_answer_depth) > max_answer_depth)
      return std::string{"nested deeper than "}
             + std::to_string(max_answer_depth) + " levels";
    auto doc = json::parse(text, nullptr, false);
    if (doc.is_discarded())
      return std::string{"not JSON"};
    return doc;
  }

  /// An error document `{"error", "field", "message"}` as a failure.
  failure refusal(int status, const std::string& body) const {
    auto doc = parse(body);
    if (auto* problem = std::get_if<std::string>(&doc))
      return malformed(status, "the error document is " + *problem);
    auto& x = std::get<json>(doc);
    auto code = x.is_object() ? x.find("error") : x.end();
    auto message = x.is_object() ? x.find("message") : x.end();
    if (code == x.end() || !code->is_string() || message == x.end()
        || !message->is_string())
      return malformed(status, "an error without a string error and message");
    auto name = code->get<std::string>();
    auto text = message->get<std::string>();
    if (text.rfind(name + ":", 0) != 0)
      text = name + ": " + text;
    if (name == "partial")
      return {failure::partial, std::move(text), name};
    if (name == "unreachable")
      return unreachable("the server at " + where + ": " + text);
    if (name == "unauthorized" && options.token.empty())
      text += " (no token was found: give --token, --token-file or "
              "$ONSET_TOKEN, or --data-dir of the node whose admin.token to "
              "use)";
    return {failure::refused, std::move(text), name};
  }

  /// Sends `method` `target` (with `body` for a POST or PATCH) and reads
  /// the 2xx answer's JSON document.
  reply<json> call(const char* method, const std::string& target,
                   const std::string* body = nullptr) {
    auto began = std::chrono::steady_clock::now();
    auto verb = std::string_view{method};
    auto result = verb == "DELETE"  ? http->Delete(target.c_str())
                  : body == nullptr ? http->Get(target.c_str())
                  : verb == "PATCH"
                    ? http->Patch(target.c_str(), *body, "application/json")
                    : http->Post(target.c_str(), *body, "application/json");
    if (!result)
      return no_answer(result.error(),
                       std::chrono::steady_clock::now() - began);
    auto& res = *result;
    if (res.status < 200 || res.status > 299)
      return refusal(res.status, res.body);
    auto doc = parse(res.body);
    if (auto* problem = std::get_if<std::string>(&doc))
      return malformed(res.status, std::string{method} + " " + target
                                     + ": the answer is " + *problem);
    return std::move(std::get<json>(doc));
  }

  /// `call`, the answer read by `read(doc, field)`.
  template <class T, class Read>
  reply<T>
  one(const std::string& target, Read read, const std::string* body = nullptr) {
    auto doc = call(body ? "POST" : "GET", target, body);
    if (!doc)
      return doc.error();
    auto x = read(doc.value(), std::string{});
    if (!x)
      return malformed(200, target + ": " + x.error().to_string());
    return std::move(x).value();
  }

  /// The POST `target` whose answer is only "done".
  reply<done> post(const std::string& target, const std::string& body) {
    return change("POST", target, &body);
  }

  /// The `method` (POST, PATCH, DELETE) on `target` whose answer is only
  /// "done".
  reply<done> change(const char* method, const std::string& target,
                     const std::string* body) {
    auto doc = call(method, target, body);
    if (!doc)
      return doc.error();
    return done{};
  }

  /// Every item of the paged list at `target` (a path with or without a
  /// query), the array `key` of each page read by `read`.
  template <class T, class Read>
  reply<std::vector<T>>
  all_pages(const std::string& target, const char* key, Read read) {
    std::vector<T> result;
    std::string cursor;
    auto sep = target.find('?') == std::string::npos ? "?" : "&";
    for (;;) {
      auto page_target = target + sep + "limit=" + std::to_string(page_size);
      if (!cursor.empty())
        page_target += "&cursor=" + escaped(cursor);
      auto doc = call("GET", page_target);
      if (!doc)
        return doc.error();
      auto& x = doc.value();
      auto items = x.is_object() ? x.find(key) : x.end();
      auto next = x.is_object() ? x.find("next_cursor") : x.end();
      if (items == x.end() || !items->is_array() || next == x.end()
          || !(next->is_null() || next->is_string()))
        return malformed(200, page_target + ": not {\"" + std::string{key}
                                + "\": [...], \"next_cursor\": ...}");
      for (size_t i = 0; i < items->size(); ++i) {
        auto one = read((*items)[i], key + ("[" + std::to_string(i) + "]"));
        if (!one)
          return malformed(200, page_target + ": " + one.error().to_string());
        result.push_back(std::move(one).value());
      }
      if (next->is_null())
        return result;
      auto following = next->get<std::string>();
      if (following.empty() || following == cursor || items->empty())
        return malformed(200, page_target + ": next_cursor '" + following
                                + "' does not move on");
      cursor = std::move(following);
    }
  }
};

api_client::api_client(api_client_options options)
  : impl_(std::make_unique<impl>(std::move(options))) {
}

api_client::~api_client() = default;

void api_client::set_timeout(duration timeout) {
  impl_->options.timeout = timeout;
  impl_->apply_timeout();
}

reply<done> api_client::enroll(const std::vector<device_record>& records) {
  auto body = json::array();
  for (auto& x : records)
    body.push_back(to_json(x));
  return impl_->post("/v1/printers", body.dump());
}

reply<std::vector<device_record>> api_client::list_devices() {
  return impl_->all_pages<device_record>(
    "/v1/printers", "printers", [](const json& x, const std::string& field) {
      return device_record_from_json(x, field);
    });
}

reply<device_view> api_client::device(const device_id& id) {
  return impl_->one<device_view>("/v1/printers/" + escaped(id.str()),
                                 device_view_from_json);
}

reply<done> api_client::set_online(const device_id& id, bool online) {
  return impl_->post("/v1/printers/" + escaped(id.str()) + "/online",
                     json{{"online", online}}.dump());
}

reply<done>
api_client::update_device(const device_id& id,
                          const std::optional<std::string>& model,
                          const std::optional<std::string>& customer) {
  auto body = json::object();
  if (model)
    body["model"] = *model;
  if (customer)
    body["customer"] = *customer;
  auto text = body.dump();
  return impl_->change("PATCH", "/v1/printers/" + escaped(id.str()), &text);
}

reply<done> api_client::decommission(const device_id& id) {
  return impl_->change("DELETE", "/v1/printers/" + escaped(id.str()), nullptr);
}

reply<std::vector<submit_result>>
api_client::submit(const std::vector<contract>& docs) {
  auto body = json::array();
  for (auto& x : docs)
    body.push_back(to_json(x));
  auto text = body.dump();
  return impl_->one<std::vector<submit_result>>(
    "/v1/contracts",
    [](const json& x,
       const std::string&) -> outcome<std::vector<submit_result>> {
      if (!x.is_array())
        return invalid_input{"", "not an array of results"};
      std::vector<submit_result> result;
      for (size_t i = 0; i < x.size(); ++i) {
        auto one = submit_result_from_json(x[i], "[" + std::to_string(i) + "]");
        if (!one)
          return one.error();
        result.push_back(std::move(one).value());
      }
      return result;
    },
    &text);
}

reply<done> api_client::start(const contract_id& id,
                              const std::string& event_id) {
  auto body = json::object();
  if (!event_id.empty())
    body["event_id"] = event_id;
  return impl_->post("/v1/contracts/" + escaped(id.str()) + "/start",
                     body.dump());
}

reply<done> api_client::cancel(const contract_id& id) {
  return impl_->post("/v1/contracts/" + escaped(id.str()) + "/cancel", "{}");
}

reply<done> api_client::retry(const contract_id& id) {
  return impl_->post("/v1/contracts/" + escaped(id.str()) + "/retry", "{}");
}

reply<contract_view> api_client::contract_details(const contract_id& id) {
  return impl_->one<contract_view>("/v1/contracts/" + escaped(id.str()),
                                   contract_view_from_json);
}

reply<std::vector<contract_summary>> api_client::list_contracts() {
  return impl_->all_pages<contract_summary>("/v1/contracts", "contracts",
                                            contract_summary_from_json);
}

std::string url_escaped(const std::string& text) {
  return escaped(text);
}

reply<std::string> api_client::get_json_text(const std::string& target) {
  auto doc = impl_->call("GET", target);
  if (!doc)
    return doc.error();
  return doc.value().dump();
}

reply<std::string> api_client::send_json_text(const char* method,
                                              const std::string& target,
                                              const std::string* body) {
  auto doc = impl_->call(method, target, body);
  if (!doc)
    return doc.error();
  return doc.value().dump();
}

reply<std::vector<history_entry>> api_client::history(const contract_id& id) {
  return impl_->all_pages<history_entry>("/v1/contracts/" + escaped(id.str())
                                           + "/history",
                                         "entries", history_entry_from_json);
}

namespace {

/// `{"steps": [...]}`.
outcome<std::vector<instruction>> steps_from_json(const json& x,
                                                  const std::string&) {
  auto steps = x.is_object() ? x.find("steps") : x.end();
  if (steps == x.end() || !steps->is_array())
    return invalid_input{"steps", "is not an array"};
  std::vector<instruction> result;
  for (size_t i = 0; i < steps->size(); ++i) {
    auto one = instruction_from_json((*steps)[i],
                                     "steps[" + std::to_string(i) + "]");
    if (!one)
      return one.error();
    result.push_back(std::move(one).value());
  }
  return result;
}

} // namespace

reply<std::vector<instruction>> api_client::plan(const contract_id& id) {
  return impl_->one<std::vector<instruction>>(
    "/v1/contracts/" + escaped(id.str()) + "/plan", steps_from_json);
}

reply<std::vector<instruction>>
api_client::plan(const contract_id& id, const std::string& catalog_text) {
  return impl_->one<std::vector<instruction>>("/v1/contracts/"
                                                + escaped(id.str()) + "/plan",
                                              steps_from_json, &catalog_text);
}

reply<service_view> api_client::service(const service_id& service,
                                        const device_id& device) {
  return impl_->one<service_view>("/v1/services/" + escaped(service.str())
                                    + "/printers/" + escaped(device.str()),
                                  service_view_from_json);
}

reply<std::vector<node_status>> api_client::nodes() {
  return impl_->one<std::vector<node_status>>(
    "/v1/cluster",
    [](const json& x, const std::string&) -> outcome<std::vector<node_status>> {
      auto nodes = x.is_object() ? x.find("nodes") : x.end();
      if (nodes == x.end() || !nodes->is_array())
        return invalid_input{"nodes", "is not an array"};
      std::vector<node_status> result;
      for (size_t i = 0; i < nodes->size(); ++i) {
        auto one = node_status_from_json((*nodes)[i],
                                         "nodes[" + std::to_string(i) + "]");
        if (!one)
          return one.error();
        result.push_back(std::move(one).value());
      }
      return result;
    });
}

reply<std::string> api_client::catalog_text() {
  return impl_->one<std::string>(
    "/v1/catalog",
    [](const json& x, const std::string&) -> outcome<std::string> {
      if (!x.is_object())
        return invalid_input{"", "the catalog is not an object"};
      return x.dump();
    });
}

} // namespace onset::cli
