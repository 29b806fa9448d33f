#include "nodes/fleet/fleet_server.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string_view>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "config/listen_address.hpp"
#include "messages/log.hpp"

namespace onset::fleet {

namespace {

constexpr const char* json_type = "application/json";

void answer_error(httplib::Response& res, int status, std::string_view code,
                  std::string_view message) {
  res.status = status;
  res.set_content(endpoint::encode_error(code, message), json_type);
}

/// Compares in time independent of where the texts differ.
bool same_secret(std::string_view given, std::string_view secret) {
  if (given.size() != secret.size())
    return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < given.size(); ++i)
    diff |= static_cast<unsigned char>(given[i] ^ secret[i]);
  return diff == 0;
}

/// Whether a body follows the request's headers.
bool has_body(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding"))
    return true;
  auto length = req.get_header_value("Content-Length");
  return !length.empty() && length != "0";
}

/// Whether a body the protocol codec refused is a batch of more than
/// `endpoint::max_batch` entries under `key` (413 rather than 400).
bool batch_too_large(const std::string& body, const char* key) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object())
    return false;
  auto i = doc.find(key);
  return i != doc.end() && i->is_array() && i->size() > endpoint::max_batch;
}

/// The numeric address and port of a socket address, or nullopt for
/// another family.
std::optional<std::pair<std::string, int>>
address_of(const sockaddr_storage& x) {
  char text[INET6_ADDRSTRLEN] = {};
  if (x.ss_family == AF_INET) {
    auto& in = reinterpret_cast<const sockaddr_in&>(x);
    inet_ntop(AF_INET, &in.sin_addr, text, sizeof(text));
    return std::pair<std::string, int>{text, ntohs(in.sin_port)};
  }
  if (x.ss_family == AF_INET6) {
    auto& in = reinterpret_cast<const sockaddr_in6&>(x);
    inet_ntop(AF_INET6, &in.sin6_addr, text, sizeof(text));
    return std::pair<std::string, int>{text, ntohs(in.sin6_port)};
  }
  return std::nullopt;
}

/// Shuts down the connection `req` came on, both ways, so that its client
/// reads the end of the stream and no byte of a reply: what a server that
/// crashed right after its commit looks like. httplib hands no socket to a
/// handler, so this finds it among the process's descriptors by its two
/// ends. Returns false if none matched.
bool drop_connection(const httplib::Request& req) {
  auto dir = opendir("/proc/self/fd");
  if (dir == nullptr)
    return false;
  bool dropped = false;
  while (auto entry = readdir(dir)) {
    char* end = nullptr;
    auto fd = static_cast<int>(std::strtol(entry->d_name, &end, 10));
    if (end == entry->d_name || *end != '\0' || fd == dirfd(dir))
      continue;
    sockaddr_storage local{};
    sockaddr_storage peer{};
    socklen_t local_len = sizeof(local);
    socklen_t peer_len = sizeof(peer);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0
        || getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0)
      continue;
    auto l = address_of(local);
    auto p = address_of(peer);
    if (l && p && l->second == req.local_port && p->second == req.remote_port
        && p->first == req.remote_addr) {
      dropped = ::shutdown(fd, SHUT_RDWR) == 0;
      break;
    }
  }
  closedir(dir);
  return dropped;
}

/// The oldest error OpenSSL queued on this thread (the queue is emptied).
std::string openssl_error() {
  auto code = ERR_get_error();
  ERR_clear_error();
  if (code == 0)
    return "no reason given";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

/// OpenSSL's verification of a client certificate chain: logs why a
/// certificate was refused (the handshake then fails). A client without a
/// certificate is refused without reaching this.
int log_refused_client_cert(int preverify_ok, X509_STORE_CTX* ctx) {
  if (preverify_ok != 1) {
    auto err = X509_STORE_CTX_get_error(ctx);
    log::warn("fleet.client_cert_refused",
              {{"depth", X509_STORE_CTX_get_error_depth(ctx)},
               {"reason", X509_verify_cert_error_string(err)}});
  }
  return preverify_ok;
}

} // namespace

std::optional<std::string> check_server_options(const server_options& x) {
  if (x.token.empty())
    return "token: empty";
  if (x.tls_cert.empty() != x.tls_key.empty())
    return "tls: --tls-cert and --tls-key go together";
  if (!x.client_ca.empty() && x.tls_cert.empty())
    return "tls: --client-ca needs --tls-cert and --tls-key";
  if (!config::is_loopback(x.host) && x.tls_cert.empty())
    return "listen: " + x.host
           + " is not a loopback address; serving it needs --tls-cert and "
             "--tls-key";
  if (x.threads == 0)
    return "threads: must be at least 1";
  return std::nullopt;
}

struct fleet_server::impl {
  endpoint_core& core;
  server_options options;
  std::unique_ptr<httplib::Server> http;
  std::mutex rng_mutex;
  std::mt19937_64 rng;
  std::atomic<uint64_t> applies{0};
  std::atomic<uint64_t> instructions{0};
  std::atomic<uint64_t> reads{0};
  std::atomic<uint64_t> read_targets{0};

  impl(endpoint_core& core, server_options opts)
    : core(core), options(std::move(opts)), rng(options.faults.seed) {
  }

  bool draw(double rate) {
    if (rate <= 0.0)
      return false;
    std::lock_guard<std::mutex> guard{rng_mutex};
    return std::bernoulli_distribution{rate}(rng);
  }

  bool authorized(const httplib::Request& req) const {
    static constexpr std::string_view scheme = "Bearer ";
    auto header = req.get_header_value("Authorization");
    std::string_view given{header};
    return given.substr(0, scheme.size()) == scheme
           && same_secret(given.substr(scheme.size()), options.token);
  }

  void unauthorized(const httplib::Request& req, httplib::Response& res) {
    log::warn("fleet.unauthorized",
              {{"path", req.path}, {"peer", req.remote_addr}});
    answer_error(res, 401, "unauthorized",
                 "a valid Authorization: Bearer token is required");
  }

  /// Refuses a request without the token before its body is read, when it
  /// has none; one with a body is refused once it is read (httplib would
  /// otherwise take the unread body for the next request of the
  /// connection), by `guarded` and by the error handler.
  httplib::Server::HandlerResponse before_routing(const httplib::Request& req,
                                                  httplib::Response& res) {
    if (authorized(req)) {
      if (options.faults.latency.count() > 0)
        std::this_thread::sleep_for(options.faults.latency);
      return httplib::Server::HandlerResponse::Unhandled;
    }
    if (!has_body(req)) {
      unauthorized(req, res);
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  }

  /// `fn` for authorized requests only.
  template <class F>
  httplib::Server::Handler guarded(F fn) {
    return [this, fn](const httplib::Request& req, httplib::Response& res) {
      if (authorized(req))
        fn(req, res);
      else
        unauthorized(req, res);
    };
  }

  bool injected_failure(httplib::Response& res, const char* what) {
    if (!draw(options.faults.fail))
      return false;
    log::info("fleet.injected_failure", {{"request", what}});
    answer_error(res, 503, "unavailable", "injected failure (--fail)");
    return true;
  }

  void health(httplib::Response& res) {
    res.set_content(endpoint::encode_health(core.health()), json_type);
  }

  void apply(const httplib::Request& req, httplib::Response& res) {
    if (injected_failure(res, "apply"))
      return;
    auto items = endpoint::parse_apply_request(req.body);
    if (!items) {
      refuse_body(res, req.body, "instructions", items.error());
      return;
    }
    auto results = core.apply(items.value());
    if (!results) {
      storage_failed(res, "apply", results.error());
      return;
    }
    applies.fetch_add(1, std::memory_order_relaxed);
    instructions.fetch_add(results->size(), std::memory_order_relaxed);
    if (draw(options.faults.lose_reply)) {
      log::info("fleet.reply_lost", {{"instructions", items.value().size()},
                                     {"peer", req.remote_addr}});
      if (drop_connection(req))
        return;
      // No socket found: end the reply after its headers instead.
      res.set_content_provider(size_t{1}, json_type,
                               [](size_t, size_t, httplib::DataSink&) {
                                 return false;
                               });
      return;
    }
    log::debug("fleet.applied", {{"instructions", results->size()}});
    res.set_content(endpoint::encode_apply_response(*results), json_type);
  }

  void read(const httplib::Request& req, httplib::Response& res) {
    if (injected_failure(res, "read"))
      return;
    auto targets = endpoint::parse_read_request(req.body);
    if (!targets) {
      refuse_body(res, req.body, "targets", targets.error());
      return;
    }
    auto states = core.read(targets.value());
    if (!states) {
      storage_failed(res, "read", states.error());
      return;
    }
    reads.fetch_add(1, std::memory_order_relaxed);
    read_targets.fetch_add(states->size(), std::memory_order_relaxed);
    res.set_content(endpoint::encode_read_response(*states), json_type);
  }

  void one_state(httplib::Response& res, endpoint::target_ref ref) {
    auto states = core.read({ref});
    if (!states) {
      storage_failed(res, "read", states.error());
      return;
    }
    auto& state = states->front();
    if (!state.known) {
      answer_error(res, 404, "not_found",
                   ref.to.kind == target_kind::device
                     ? "unknown printer " + ref.to.name
                     : "unknown printer " + ref.device.str() + " or service "
                         + ref.to.name);
      return;
    }
    res.set_content(endpoint::encode_target_state(state), json_type);
  }

  void refuse_body(httplib::Response& res, const std::string& body,
                   const char* list, const invalid_input& why) {
    if (batch_too_large(body, list)) {
      answer_error(res, 413, "too_large",
                   std::string{list} + ": more than "
                     + std::to_string(endpoint::max_batch) + " entries");
      return;
    }
    log::info("fleet.bad_request", {{"reason", why.to_string()}});
    answer_error(res, 400, "bad_request", why.to_string());
  }

  void storage_failed(httplib::Response& res, const char* what,
                      const persistence::failure& why) {
    log::error("fleet.storage_failed",
               {{"request", what}, {"reason", to_string(why)}});
    answer_error(res, 500, "storage_failure", to_string(why));
  }

  /// The server, plain or HTTPS; why it cannot be made.
  std::optional<std::string> make_server() {
    if (options.tls_cert.empty()) {
      http = std::make_unique<httplib::Server>();
      return std::nullopt;
    }
    std::string problem;
    http = std::make_unique<httplib::SSLServer>(
      [this, &problem](SSL_CTX& ctx) { return setup_tls(ctx, problem); });
    if (!http->is_valid())
      return problem.empty() ? "tls: cannot set up the TLS context" : problem;
    return std::nullopt;
  }

  /// The TLS context: TLS 1.2 at least, the certificate chain and its key
  /// (checked to match), and with `client_ca` a client certificate signed
  /// by it required (SSL_VERIFY_FAIL_IF_NO_PEER_CERT). `problem` names the
  /// file that did not load.
  bool setup_tls(SSL_CTX& ctx, std::string& problem) const {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION);
    auto fail = [&problem](std::string what) {
      problem = "tls: " + what + ": " + openssl_error();
      return false;
    };
    const auto& o = options;
    if (SSL_CTX_use_certificate_chain_file(&ctx, o.tls_cert.c_str()) != 1)
      return fail("cannot load certificate " + o.tls_cert);
    if (SSL_CTX_use_PrivateKey_file(&ctx, o.tls_key.c_str(), SSL_FILETYPE_PEM)
        != 1)
      return fail("cannot load key " + o.tls_key);
    if (SSL_CTX_check_private_key(&ctx) != 1)
      return fail("key " + o.tls_key + " is not the key of " + o.tls_cert);
    if (o.client_ca.empty())
      return true;
    if (SSL_CTX_load_verify_locations(&ctx, o.client_ca.c_str(), nullptr) != 1)
      return fail("cannot load client CA " + o.client_ca);
    // The CA names the server sends in its request for a client certificate.
    auto* names = SSL_load_client_CA_file(o.client_ca.c_str());
    if (names == nullptr)
      return fail("no CA certificate in " + o.client_ca);
    SSL_CTX_set_client_CA_list(&ctx, names);
    SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       log_refused_client_cert);
    return true;
  }

  void route() {
    auto& s = *http;
    auto threads = options.threads;
    s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    s.set_payload_max_length(options.max_body);
    s.set_keep_alive_max_count(100000);
    s.set_keep_alive_timeout(30);
    // A response's head and body are two writes: without this the body
    // waits for the client's delayed ACK of the head (40 ms).
    s.set_tcp_nodelay(true);
    s.set_pre_routing_handler(
      [this](const auto& req, auto& res) { return before_routing(req, res); });
    auto max_body = options.max_body;
    s.set_error_handler([this, max_body](const httplib::Request& req,
                                         httplib::Response& res) {
      if (!res.body.empty())
        return;
      if (!authorized(req)) {
        unauthorized(req, res);
        return;
      }
      auto code = config::code_of_http_status(res.status);
      if (res.status == 413)
        answer_error(res, 413, code,
                     "body larger than " + std::to_string(max_body) + " bytes");
      else if (res.status == 404)
        answer_error(res, 404, code, "no route " + req.method + " " + req.path);
      else
        answer_error(res, res.status, code, code);
    });
    s.set_exception_handler([](const auto&, auto& res, std::exception_ptr ep) {
      std::string what = "unexpected exception";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      log::error("fleet.handler_failed", {{"reason", what}});
      answer_error(res, 500, "server_error", what);
    });
    s.Get("/v1/health",
          guarded([this](const auto&, auto& res) { health(res); }));
    s.Post("/v1/apply",
           guarded([this](const auto& req, auto& res) { apply(req, res); }));
    s.Post("/v1/read",
           guarded([this](const auto& req, auto& res) { read(req, res); }));
    s.Get(R"(/v1/printers/([^/]+))",
          guarded([this](const auto& req, auto& res) {
            device_id id{req.matches[1].str()};
            one_state(res, {target::device(id), id});
          }));
    s.Get(R"(/v1/services/([^/]+)/printers/([^/]+))",
          guarded([this](const auto& req, auto& res) {
            one_state(res, {target::service(service_id{req.matches[1].str()}),
                            device_id{req.matches[2].str()}});
          }));
  }
};

fleet_server::fleet_server(endpoint_core& core, server_options opts)
  : impl_(std::make_unique<impl>(core, std::move(opts))) {
}

fleet_server::~fleet_server() = default;

std::variant<uint16_t, std::string> fleet_server::bind() {
  if (auto problem = impl_->make_server())
    return *problem;
  impl_->route();
  auto& o = impl_->options;
  int port = o.port;
  if (port == 0)
    port = impl_->http->bind_to_any_port(o.host);
  else if (!impl_->http->bind_to_port(o.host, port))
    port = -1;
  if (port <= 0)
    return "listen: cannot bind " + o.host + ":" + std::to_string(o.port);
  return static_cast<uint16_t>(port);
}

void fleet_server::run() {
  impl_->http->listen_after_bind();
}

void fleet_server::stop() {
  if (impl_->http)
    impl_->http->stop();
}

request_totals fleet_server::totals() const {
  auto load = [](const std::atomic<uint64_t>& x) {
    return x.load(std::memory_order_relaxed);
  };
  return {load(impl_->applies), load(impl_->instructions), load(impl_->reads),
          load(impl_->read_targets)};
}

} // namespace onset::fleet
