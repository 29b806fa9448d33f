#include "nodes/api/api_server.hpp"

#include <cerrno>
#include <chrono>
#include <exception>
#include <regex>
#include <thread>

#include <sys/socket.h>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <httplib.h>

#include "config/listen_address.hpp"
#include "messages/log.hpp"
#include "messages/metrics/metrics.hpp"
#include "nodes/api/routes.hpp"

namespace onset::api {

namespace {

constexpr const char* json_type = "application/json";

/// Connections the kernel may hold for the listener before it accepts
/// them: a burst of a few hundred clients connecting at once.
constexpr int accept_backlog = 1024;

/// How long the listener waits for each read of a request (a slow client
/// is answered 400 once a read waits longer).
constexpr std::chrono::seconds read_timeout{10};

void answer(httplib::Response& res, const api_response& x) {
  res.status = x.status;
  if (!x.content_type.empty()) {
    res.set_content(x.text, x.content_type.c_str());
    return;
  }
  // Replace, never throw: a message may quote what a client sent.
  res.set_content(x.body.dump(-1, ' ', false,
                              nlohmann::json::error_handler_t::replace),
                  json_type);
}

/// `/v1/contracts/{id}` as httplib's pattern: each `{...}` one segment.
std::string pattern_of(const std::string& path) {
  static const std::regex param{R"(\{[^}/]+\})"};
  return std::regex_replace(path, param, "([^/]+)");
}

/// The token of an `Authorization: Bearer TOKEN` header, empty if none.
std::string bearer_of(const httplib::Request& req) {
  static constexpr std::string_view scheme = "Bearer ";
  auto header = req.get_header_value("Authorization");
  if (header.compare(0, scheme.size(), scheme) != 0)
    return {};
  return header.substr(scheme.size());
}

} // namespace

std::optional<std::string> check_api_options(const api_options& x) {
  if (x.tls_cert.empty() != x.tls_key.empty())
    return "--tls-cert and --tls-key go together";
  if (!config::is_loopback(x.host) && x.tls_cert.empty() && !x.insecure_http)
    return "--http-host " + x.host
           + " is not a loopback address: serving it needs --tls-cert and "
             "--tls-key (or --insecure-http, which sends tokens in the "
             "clear)";
  if (x.threads == 0)
    return "--http-threads: at least 1";
  return std::nullopt;
}

struct api_server::impl {
  api_options options;
  caf::actor_system& sys;
  caf::actor gateway;
  token_store& tokens;
  std::shared_ptr<const catalog> cat;
  nlohmann::json catalog_doc;
  readiness_probe readiness;
  std::shared_ptr<metrics::node_metrics> metrics;
  webhook_dispatcher* webhooks = nullptr;
  std::unique_ptr<httplib::Server> http;
  std::thread runner;
  /// The listening socket, once bound (see `widen_backlog`).
  int listener = -1;

  impl(api_options opts, caf::actor_system& sys, const caf::actor& gateway,
       token_store& tokens, std::shared_ptr<const catalog> cat,
       std::string catalog_text, readiness_probe readiness,
       std::shared_ptr<metrics::node_metrics> metrics)
    : options(std::move(opts)),
      sys(sys),
      gateway(gateway),
      tokens(tokens),
      cat(std::move(cat)),
      catalog_doc(nlohmann::json::parse(catalog_text, nullptr, false)),
      readiness(std::move(readiness)),
      metrics(std::move(metrics)) {
  }

  /// Counts a request answered with `status`: by the route's pattern, or
  /// `unrouted` (no route, unreadable).
  void count(const std::string& method, const std::string& route, int status) {
    if (metrics)
      metrics->api_request(method, route, status);
  }

  /// The holder of the request's token, or the 401 answered.
  std::optional<principal> authenticate(const httplib::Request& req,
                                        httplib::Response& res) {
    auto secret = bearer_of(req);
    std::optional<principal> who;
    if (!secret.empty()) {
      auto found = tokens.authenticate(secret);
      if (!found) {
        log::error("api.token_store_failed",
                   {{"reason", to_string(found.error())}});
        answer(res, error_response(503, "unavailable", "",
                                   "the token store failed"));
        return std::nullopt;
      }
      who = std::move(*found);
    }
    if (!who) {
      log::warn("api.unauthorized",
                {{"path", req.path}, {"peer", req.remote_addr}});
      answer(res, error_response(401, "unauthorized", "",
                                 "a valid Authorization: Bearer token is "
                                 "required"));
      res.set_header("WWW-Authenticate", "Bearer");
    }
    return who;
  }

  /// Whether the request's token may use `r`; answers 401 or 403 if not.
  /// Open routes need no token.
  bool admit(const route& r, const httplib::Request& req,
             httplib::Response& res, api_request& x) {
    if (r.open)
      return true;
    auto who = authenticate(req, res);
    if (!who)
      return false;
    if (!allows(who->what, r.needs)) {
      log::warn("api.forbidden", {{"path", req.path},
                                  {"token", who->name},
                                  {"action", to_string(r.needs)}});
      answer(res, error_response(403, "forbidden", "",
                                 std::string{"role "} + to_string(who->what)
                                   + " may not " + to_string(r.needs)));
      return false;
    }
    x.who = std::move(*who);
    return true;
  }

  void serve(const route& r, const httplib::Request& req,
             httplib::Response& res) {
    auto started = std::chrono::steady_clock::now();
    api_request x;
    if (!admit(r, req, res, x)) {
      count(r.method, r.path, res.status);
      return;
    }
    for (size_t i = 1; i < req.matches.size(); ++i)
      x.params.push_back(req.matches[i].str());
    for (auto& [key, value] : req.params)
      x.query[key] = value;
    x.body = req.body;
    x.idempotency_key = req.get_header_value("Idempotency-Key");
    auto client = cli::gateway_client::local(sys, gateway,
                                             options.gateway_timeout);
    client->set_requester(x.who.name);
    route_context ctx{*client,   cat,           catalog_doc,
                      readiness, metrics.get(), webhooks};
    auto out = r.handle(x, ctx);
    answer(res, out);
    count(r.method, r.path, out.status);
    auto ms = std::chrono::duration<double, std::milli>(
                std::chrono::steady_clock::now() - started)
                .count();
    log::debug("api.request", {{"method", req.method},
                               {"route", r.path},
                               {"status", out.status},
                               {"token", x.who.name},
                               {"ms", ms}});
  }

  void make_server() {
    if (options.tls_cert.empty())
      http = std::make_unique<httplib::Server>();
    else
      http = std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(),
                                                  options.tls_key.c_str());
  }

  /// Debian's httplib is built with a listen backlog of 5: beyond 5
  /// connections waiting for accept, new clients' handshakes are dropped
  /// and retried by their kernels, and a burst of clients sees resets.
  /// Listening again on the bound socket raises the backlog (Linux keeps
  /// the socket and changes only its queue length).
  void widen_backlog() {
    if (listener >= 0 && ::listen(listener, accept_backlog) != 0)
      log::warn("api.backlog_unchanged", {{"errno", errno}});
  }

  /// A request httplib could not read: its head malformed or cut short,
  /// or its body shorter than its Content-Length, within the read timeout
  /// (a slow or stalled client). The connection is closed: what follows on
  /// it cannot be trusted to start a request.
  static void answer_unreadable(const httplib::Request& req,
                                httplib::Response& res) {
    auto body_cut = req.has_header("Content-Length") && !req.method.empty();
    log::warn("api.unreadable_request", {{"peer", req.remote_addr},
                                         {"method", req.method},
                                         {"body_cut", body_cut}});
    answer(res,
           body_cut
             ? error_response(400, "bad_request", "body",
                              "fewer bytes than Content-Length arrived within "
                                + std::to_string(read_timeout.count()) + " s")
             : error_response(400, "bad_request", "",
                              "the request head is malformed or did not "
                              "arrive within "
                                + std::to_string(read_timeout.count()) + " s"));
    res.set_header("Connection", "close");
  }

  void route_all() {
    auto& s = *http;
    auto threads = options.threads;
    s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    s.set_payload_max_length(options.max_body);
    s.set_read_timeout(read_timeout);
    s.set_write_timeout(std::chrono::seconds{10});
    s.set_keep_alive_timeout(5);
    // httplib writes a response's head and body separately: with Nagle on,
    // the body waits for the client's delayed ACK of the head (40 ms on
    // Linux) on every keep-alive request.
    s.set_tcp_nodelay(true);
    s.set_socket_options([this](socket_t sock) {
      httplib::default_socket_options(sock);
      listener = sock;
    });
    auto max_body = options.max_body;
    s.set_error_handler([this, max_body](const httplib::Request& req,
                                         httplib::Response& res) {
      if (!res.body.empty())
        return;
      count(req.method, "unrouted", res.status);
      auto code = config::code_of_http_status(res.status);
      if (res.status == 413)
        answer(res, error_response(413, code, "",
                                   "body larger than "
                                     + std::to_string(max_body) + " bytes"));
      else if (res.status == 400
               && (req.method == "POST" || req.method == "PATCH")
               && !req.has_header("Content-Length")
               && !req.has_header("Transfer-Encoding"))
        // httplib reads no POST or PATCH body without a length.
        answer(res, error_response(400, code, "Content-Length",
                                   "a " + req.method
                                     + " carries Content-Length (0 for no "
                                       "body) or chunked encoding"));
      else if (res.status == 404)
        answer(res, error_response(404, code, "",
                                   "no route " + req.method + " " + req.path));
      else if (res.status == 400)
        answer_unreadable(req, res);
      else
        answer(res, error_response(res.status, code, "", code));
    });
    s.set_exception_handler([](const auto&, auto& res, std::exception_ptr ep) {
      std::string what = "unexpected exception";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      log::error("api.handler_failed", {{"reason", what}});
      answer(res, error_response(500, "server_error", "", what));
    });
    for (auto& r : all_routes()) {
      // A node without the gateway role serves the open routes only.
      if (!gateway && !r.open)
        continue;
      auto handler = [this, r](const httplib::Request& req,
                               httplib::Response& res) { serve(r, req, res); };
      auto pattern = pattern_of(r.path);
      if (r.method == "GET")
        s.Get(pattern, handler);
      else if (r.method == "PATCH")
        s.Patch(pattern, handler);
      else if (r.method == "DELETE")
        s.Delete(pattern, handler);
      else
        s.Post(pattern, handler);
    }
  }
};

api_server::api_server(api_options opts, caf::actor_system& sys,
                       const caf::actor& gateway, token_store& tokens,
                       std::shared_ptr<const catalog> cat,
                       std::string catalog_doc, readiness_probe readiness,
                       std::shared_ptr<metrics::node_metrics> metrics)
  : impl_(std::make_unique<impl>(std::move(opts), sys, gateway, tokens,
                                 std::move(cat), std::move(catalog_doc),
                                 std::move(readiness), std::move(metrics))) {
}

api_server::~api_server() {
  stop();
}

std::variant<uint16_t, std::string> api_server::bind() {
  impl_->make_server();
  if (!impl_->http->is_valid())
    return "--tls-cert/--tls-key: cannot load certificate "
           + impl_->options.tls_cert + " with key " + impl_->options.tls_key;
  impl_->route_all();
  auto& o = impl_->options;
  int port = o.port;
  if (port == 0)
    port = impl_->http->bind_to_any_port(o.host);
  else if (!impl_->http->bind_to_port(o.host, port))
    port = -1;
  if (port <= 0)
    return "--http-port: cannot listen on " + o.host + ":"
           + std::to_string(o.port);
  impl_->widen_backlog();
  return static_cast<uint16_t>(port);
}

void api_server::start() {
  impl_->runner = std::thread{[this] { impl_->http->listen_after_bind(); }};
}

void api_server::set_webhooks(webhook_dispatcher* x) {
  impl_->webhooks = x;
}

void api_server::stop() {
  if (impl_->http)
    impl_->http->stop();
  if (impl_->runner.joinable())
    impl_->runner.join();
}

} // namespace onset::api
