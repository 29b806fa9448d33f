#include "actors/endpoint_client.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include <httplib.h>

#include "config/tls_client.hpp"
#include "messages/log.hpp"

namespace onset::actors {

namespace {

using status = endpoint_answer::status;
using steady = std::chrono::steady_clock;

struct call {
  enum class kind { apply, read };
  kind what = kind::apply;
  instruction x;
  endpoint::target_ref target;
  endpoint_callback done;
  /// Not sent before (a read held past a lost apply's deadline).
  steady::time_point not_before;
};

endpoint_answer failed(status s, std::string what) {
  endpoint_answer result;
  result.outcome = s;
  result.what = std::move(what);
  return result;
}

void answer_all(std::vector<call>& calls, const endpoint_answer& x) {
  for (auto& c : calls)
    c.done(x);
}

/// The host of `http(s)://HOST[:PORT]` (config/endpoints_file.hpp).
std::string url_host(const std::string& url) {
  auto rest = url.substr(url.find("://") + 3);
  return rest.substr(0, rest.find_first_of(":/"));
}

/// Why `cli` got no answer: httplib's error, with OpenSSL's detail for an
/// https endpoint.
std::string failure_text(const httplib::Client& cli, httplib::Error err,
                         bool https) {
  auto what = httplib::to_string(err);
  if (!https)
    return what;
  auto detail = config::tls_failure_detail(cli, err);
  return detail.empty() ? what : what + " (TLS: " + detail + ")";
}

/// No answer: `unavailable` if the request cannot have reached the endpoint
/// (no connection), else `lost`. `what`: why, from `failure_text`.
endpoint_answer no_answer(httplib::Error err, const std::string& what_failed) {
  auto what = "no answer: " + what_failed;
  switch (err) {
    case httplib::Error::Connection:
    case httplib::Error::BindIPAddress:
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLLoadingCerts:
    case httplib::Error::SSLServerVerification:
    case httplib::Error::ConnectionTimeout:
      return failed(status::unavailable, std::move(what));
    default:
      return failed(status::lost, std::move(what));
  }
}

/// A non-200 status: 429 is "later", a 5xx may have come after the effect,
/// anything else is outside the protocol.
endpoint_answer bad_status(const httplib::Response& res) {
  auto what = "status " + std::to_string(res.status) + ": "
              + res.body.substr(0, 200);
  if (res.status == 429)
    return failed(status::unavailable, std::move(what));
  if (res.status >= 500)
    return failed(status::lost, std::move(what));
  return failed(status::violation, std::move(what));
}

} // namespace

struct endpoint_client::impl {
  config::endpoint_spec spec;
  std::mutex mtx;
  std::condition_variable ready;
  std::deque<call> queue;
  bool stopping = false;
  std::vector<std::thread> workers;
  /// State-only endpoints: targets of applies sent and not answered, with
  /// the time before which they are not read (the apply's deadline plus
  /// the margin, on this clock). An entry past is dropped when seen.
  std::map<endpoint::target_ref, steady::time_point> held;
  std::shared_ptr<metrics::node_metrics> metrics;

  impl(config::endpoint_spec x, std::shared_ptr<metrics::node_metrics> m)
    : spec(std::move(x)), metrics(std::move(m)) {
  }

  /// Counts one request of `kind` that came to `outcome`.
  void count(call::kind kind, status outcome) {
    if (!metrics)
      return;
    auto x = metrics::endpoint_outcome::ok;
    switch (outcome) {
      case status::ok:
        break;
      case status::unavailable:
        x = metrics::endpoint_outcome::unavailable;
        break;
      case status::lost:
        x = metrics::endpoint_outcome::lost;
        break;
      case status::violation:
        x = metrics::endpoint_outcome::violation;
        break;
    }
    metrics->endpoint_request(spec.name,
                              kind == call::kind::apply ? "apply" : "read", x);
  }

  void push(call c) {
    {
      std::lock_guard<std::mutex> guard{mtx};
      if (!stopping) {
        if (c.what == call::kind::read)
          hold_if_needed(c);
        queue.push_back(std::move(c));
        ready.notify_one();
        return;
      }
    }
    c.done(failed(status::unavailable, "endpoint client stopped"));
  }

  /// Delays the read `c` while its target is held. REQUIRES: `mtx` held.
  void hold_if_needed(call& c) {
    auto i = held.find(c.target);
    if (i == held.end())
      return;
    auto now = steady::now();
    if (i->second <= now) {
      held.erase(i);
      return;
    }
    c.not_before = i->second;
    auto wait
      = std::chrono::duration_cast<std::chrono::milliseconds>(i->second - now);
    log::info("endpoint.read_held", {{"endpoint", spec.name},
                                     {"target", c.target.to.to_string()},
                                     {"device", c.target.device.str()},
                                     {"wait_ms", wait.count()}});
  }

  /// Holds the reads of the targets of `calls` until `until`, unless
  /// the endpoint answers (`release_reads`). State-only endpoints only.
  void hold_reads(const std::vector<call>& calls, steady::time_point until) {
    if (spec.idempotent)
      return;
    std::lock_guard<std::mutex> guard{mtx};
    for (auto& c : calls) {
      auto& t = held[endpoint::target_of(c.x)];
      t = std::max(t, until);
    }
  }

  /// The endpoint answered the apply of `calls` (held until `until`): it
  /// holds nothing of it any more.
  void release_reads(const std::vector<call>& calls, steady::time_point until) {
    if (spec.idempotent)
      return;
    std::lock_guard<std::mutex> guard{mtx};
    for (auto& c : calls)
      if (auto i = held.find(endpoint::target_of(c.x));
          i != held.end() && i->second == until)
        held.erase(i);
  }

  /// Up to max_batch queued calls that are due, of the kind of the oldest
  /// one; waits for one to be due. Empty once stopping.
  std::vector<call> take() {
    std::unique_lock<std::mutex> guard{mtx};
    for (;;) {
      if (stopping)
        return {};
      auto now = steady::now();
      auto due = [now](const call& c) { return c.not_before <= now; };
      auto first = std::find_if(queue.begin(), queue.end(), due);
      if (first != queue.end())
        return take_due(first->what, now);
      if (queue.empty()) {
        ready.wait(guard);
        continue;
      }
      auto next = std::min_element(queue.begin(), queue.end(),
                                   [](const call& x, const call& y) {
                                     return x.not_before < y.not_before;
                                   });
      ready.wait_until(guard, next->not_before);
    }
  }

  /// The queued calls of `kind` due at `now`, up to max_batch, in order.
  /// REQUIRES: `mtx` held.
  std::vector<call> take_due(call::kind kind, steady::time_point now) {
    std::vector<call> result;
    for (auto i = queue.begin();
         i != queue.end() && result.size() < spec.max_batch;) {
      if (i->what == kind && i->not_before <= now) {
        result.push_back(std::move(*i));
        i = queue.erase(i);
      } else {
        ++i;
      }
    }
    return result;
  }

  std::unique_ptr<httplib::Client> connect() const {
    auto cli = spec.client_cert.empty()
                 ? std::make_unique<httplib::Client>(spec.url)
                 : std::make_unique<httplib::Client>(spec.url, spec.client_cert,
                                                     spec.client_key);
    cli->set_keep_alive(true);
    // httplib writes a request's head and body separately: with Nagle on,
    // the body waits for the endpoint's delayed ACK of the head (40 ms).
    cli->set_tcp_nodelay(true);
    cli->set_connection_timeout(spec.timeout);
    cli->set_read_timeout(spec.timeout);
    cli->set_write_timeout(spec.timeout);
    cli->set_bearer_token_auth(spec.token);
    if (spec.https()) {
      cli->enable_server_certificate_verification(true);
      if (!spec.ca_file.empty())
        cli->set_ca_cert_path(spec.ca_file);
      config::expect_host(*cli, url_host(spec.url));
    }
    return cli;
  }

  /// Posts `body` to `path`: a 200 answer's body, else the answer every
  /// call gets instead. `answered`: whether the endpoint answered at all
  /// (any status).
  std::variant<std::string, endpoint_answer>
  post(httplib::Client& cli, const char* path, const std::string& body,
       bool& answered) {
    auto res = cli.Post(path, body, "application/json");
    answered = static_cast<bool>(res);
    if (!res)
      return no_answer(res.error(),
                       failure_text(cli, res.error(), spec.https()));
    if (res->status != 200)
      return bad_status(*res);
    return std::move(res->body);
  }

  /// The body of a 200 answer to `path`; on anything else every call is
  /// answered with the failure and nothing is returned.
  std::optional<std::string> post(httplib::Client& cli, const char* path,
                                  const std::string& body,
                                  std::vector<call>& calls, bool& answered) {
    auto posted = post(cli, path, body, answered);
    if (auto* failure = std::get_if<endpoint_answer>(&posted)) {
      count(calls.front().what, failure->outcome);
      answer_all(calls, *failure);
      return std::nullopt;
    }
    return std::move(std::get<std::string>(posted));
  }

  /// Whether the endpoint answered at all. The request's deadline is the
  /// timeout from now; on a state-only endpoint, the targets are held from
  /// the send until an answer says the request is over (anything but a
  /// lost answer), else until the deadline plus the margin.
  bool send_apply(httplib::Client& cli, std::vector<call>& calls) {
    std::vector<instruction> xs;
    xs.reserve(calls.size());
    for (auto& c : calls)
      xs.push_back(c.x);
    auto deadline = std::chrono::system_clock::now() + spec.timeout;
    auto until = steady::now() + spec.timeout + spec.deadline_margin;
    auto not_after = std::chrono::duration_cast<std::chrono::milliseconds>(
                       deadline.time_since_epoch())
                       .count();
    hold_reads(calls, until);
    bool answered = false;
    auto posted = post(cli, "/v1/apply",
                       endpoint::encode_apply_request(xs, not_after), answered);
    if (auto* failure = std::get_if<endpoint_answer>(&posted)) {
      if (failure->outcome != status::lost)
        release_reads(calls, until);
      count(call::kind::apply, failure->outcome);
      answer_all(calls, *failure);
      return answered;
    }
    release_reads(calls, until);
    auto& body = std::get<std::string>(posted);
    auto parsed = endpoint::parse_apply_response(body, xs);
    if (!parsed) {
      count(call::kind::apply, status::violation);
      answer_all(calls, failed(status::violation,
                               "apply answer: " + parsed.error().to_string()));
      return true;
    }
    count(call::kind::apply, status::ok);
    for (size_t i = 0; i < calls.size(); ++i) {
      endpoint_answer x;
      x.result = std::move(parsed.value()[i]);
      calls[i].done(std::move(x));
    }
    return true;
  }

  /// Whether the endpoint answered at all.
  bool send_read(httplib::Client& cli, std::vector<call>& calls) {
    std::vector<endpoint::target_ref> refs;
    refs.reserve(calls.size());
    for (auto& c : calls)
      refs.push_back(c.target);
    bool answered = false;
    auto body = post(cli, "/v1/read", endpoint::encode_read_request(refs),
                     calls, answered);
    if (!body)
      return answered;
    auto parsed = endpoint::parse_read_response(*body, refs);
    if (!parsed) {
      count(call::kind::read, status::violation);
      answer_all(calls, failed(status::violation,
                               "read answer: " + parsed.error().to_string()));
      return true;
    }
    count(call::kind::read, status::ok);
    for (size_t i = 0; i < calls.size(); ++i) {
      endpoint_answer x;
      x.state = std::move(parsed.value()[i]);
      calls[i].done(std::move(x));
    }
    return true;
  }

  /// `GET /v1/health`, at start (by the first thread) and after a silence:
  /// logs whether the endpoint is up, and loudly if it is not of the kind
  /// the endpoints file says (a state-only endpoint taken for an idempotent
  /// one would get resends without a read first). A down endpoint stops
  /// nothing.
  void check_health(httplib::Client& cli) {
    auto res = cli.Get("/v1/health");
    if (!res || res->status != 200) {
      log::warn("endpoint.down",
                {{"endpoint", spec.name},
                 {"what", res ? "status " + std::to_string(res->status)
                              : failure_text(cli, res.error(), spec.https())}});
      return;
    }
    auto parsed = endpoint::parse_health(res->body);
    if (!parsed) {
      log::error("endpoint.protocol_violation",
                 {{"endpoint", spec.name},
                  {"what", "health answer: " + parsed.error().to_string()}});
      return;
    }
    if (parsed.value().idempotent != spec.idempotent)
      log::error("endpoint.kind_mismatch",
                 {{"endpoint", spec.name},
                  {"configured_idempotent", spec.idempotent},
                  {"endpoint_idempotent", parsed.value().idempotent}});
    log::info("endpoint.up", {{"endpoint", spec.name},
                              {"idempotent", parsed.value().idempotent}});
  }

  /// One thread: its connection, the calls it takes. The health is read
  /// at start and when the endpoint answers again after a silence.
  /// SIGPIPE is blocked on this thread: a write to a connection the
  /// endpoint closed (OpenSSL writes without MSG_NOSIGNAL, e.g. after a
  /// server refused the client's certificate) fails with EPIPE instead of
  /// ending the process. The signal, directed at this thread, stays pending.
  void run(bool first) {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
    auto cli = connect();
    if (first)
      check_health(*cli);
    bool silent = false;
    for (;;) {
      auto calls = take();
      if (calls.empty())
        return;
      bool answered = false;
      try {
        answered = calls.front().what == call::kind::apply
                     ? send_apply(*cli, calls)
                     : send_read(*cli, calls);
      } catch (const std::exception& e) {
        count(calls.front().what, status::lost);
        answer_all(calls, failed(status::lost,
                                 std::string{"client failed: "} + e.what()));
      }
      if (!answered && !silent)
        log::warn("endpoint.silent", {{"endpoint", spec.name}});
      else if (answered && silent)
        check_health(*cli);
      silent = !answered;
    }
  }

  void stop() {
    std::deque<call> left;
    {
      std::lock_guard<std::mutex> guard{mtx};
      stopping = true;
      left.swap(queue);
    }
    ready.notify_all();
    for (auto& w : workers)
      w.join();
    for (auto& c : left)
      c.done(failed(status::unavailable, "endpoint client stopped"));
  }
};

endpoint_client::endpoint_client(config::endpoint_spec spec,
                                 std::shared_ptr<metrics::node_metrics> metrics)
  : impl_(std::make_unique<impl>(std::move(spec), std::move(metrics))) {
  for (size_t i = 0; i < impl_->spec.connections; ++i)
    impl_->workers.emplace_back([this, i] { impl_->run(i == 0); });
}

endpoint_client::~endpoint_client() {
  impl_->stop();
}

const std::string& endpoint_client::name() const {
  return impl_->spec.name;
}

bool endpoint_client::idempotent() const {
  return impl_->spec.idempotent;
}

void endpoint_client::apply(instruction x, endpoint_callback done) {
  call c;
  c.what = call::kind::apply;
  c.x = std::move(x);
  c.done = std::move(done);
  impl_->push(std::move(c));
}

void endpoint_client::read(endpoint::target_ref target,
                           endpoint_callback done) {
  call c;
  c.what = call::kind::read;
  c.target = std::move(target);
  c.done = std::move(done);
  impl_->push(std::move(c));
}

endpoint_set::endpoint_set(const config::endpoints_spec& spec,
                           std::shared_ptr<metrics::node_metrics> metrics)
  : printers_(std::make_shared<endpoint_client>(spec.printers, metrics)) {
  for (auto& [customer, x] : spec.printers_by_customer)
    by_customer_.emplace(customer,
                         std::make_shared<endpoint_client>(x, metrics));
  for (auto& [service, x] : spec.services)
    services_.emplace(service, std::make_shared<endpoint_client>(x, metrics));
}

endpoint_client& endpoint_set::for_customer(const customer_id& customer) {
  auto i = by_customer_.find(customer.str());
  return i != by_customer_.end() ? *i->second : *printers_;
}

endpoint_client* endpoint_set::for_service(const service_id& service) {
  auto i = services_.find(service.str());
  if (i == services_.end())
    i = services_.find("*");
  return i != services_.end() ? i->second.get() : nullptr;
}

} // namespace onset::actors
