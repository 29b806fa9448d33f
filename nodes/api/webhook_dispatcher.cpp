#include "nodes/api/webhook_dispatcher.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <caf/actor.hpp>

#include "messages/log.hpp"
#include "messages/metrics/metrics.hpp"
#include "nodes/api/event_json.hpp"
#include "nodes/cli/gateway_client.hpp"

namespace onset::api {

namespace {

/// Events read from each contracts node's feed at a time.
constexpr uint64_t feed_page = 100;

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

/// `first` doubled `attempt` times, at most `cap`.
std::chrono::milliseconds backoff(std::chrono::milliseconds first,
                                  std::chrono::milliseconds cap,
                                  uint64_t attempt) {
  auto x = first;
  for (uint64_t i = 0; i < attempt && x < cap; ++i)
    x *= 2;
  return std::min(x, cap);
}

/// Sets `node`'s position in `cursor` to `next`.
void move_cursor(std::vector<event_page>& cursor, const std::string& node,
                 uint64_t next) {
  auto i = std::find_if(cursor.begin(), cursor.end(),
                        [&](const event_page& x) { return x.node == node; });
  if (i == cursor.end()) {
    event_page x;
    x.node = node;
    x.next = next;
    cursor.push_back(std::move(x));
  } else {
    i->next = next;
  }
}

} // namespace

/// One subscription's delivery thread.
class webhook_worker {
public:
  struct shared {
    caf::actor_system& sys;
    caf::actor gateway;
    webhook_store& store;
    webhook_options options;
    metrics::node_metrics* metrics;
    std::function<void()> publish;
  };

  webhook_worker(shared& env, webhook_subscription sub,
                 webhook_progress progress)
    : env_(env), sub_(std::move(sub)), progress_(std::move(progress)) {
    status_.subscription = sub_;
    status_.progress = progress_;
    auto url = std::get<webhook_url>(parse_webhook_url(sub_.url));
    poster_ = std::make_unique<webhook_poster>(url, sub_.ca_file,
                                               env_.options.post);
    thread_ = std::thread{[this] { run(); }};
  }

  ~webhook_worker() {
    stop();
  }

  void stop() {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      stopping_ = true;
    }
    wake_.notify_all();
    poster_->stop();
    if (thread_.joinable())
      thread_.join();
  }

  webhook_status status() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return status_;
  }

private:
  bool stopping() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return stopping_;
  }

  /// Waits `x`, or less when stopped; false once stopped.
  bool pause(std::chrono::milliseconds x) {
    std::unique_lock<std::mutex> guard{mutex_};
    wake_.wait_for(guard, x, [this] { return stopping_; });
    return !stopping_;
  }

  void run() {
    auto client = cli::gateway_client::local(env_.sys, env_.gateway,
                                             env_.options.feed_timeout);
    auto cursor
      = parse_cursor(progress_.cursor).value_or(std::vector<event_page>{});
    uint64_t failed_reads = 0;
    while (!stopping()) {
      auto pages = client->feed(cursor, feed_page);
      if (!pages) {
        note_failure("feed: " + pages.error().text);
        if (!pause(backoff(env_.options.first_backoff, env_.options.max_backoff,
                           failed_reads++)))
          return;
        continue;
      }
      failed_reads = 0;
      bool read_any = false;
      note_backlog(pages.value());
      for (auto& page : pages.value()) {
        for (auto& x : page.events) {
          read_any = true;
          if (sub_.wants(x.type, x.customer.str()) && !deliver(x, page.node))
            return;
          move_cursor(cursor, page.node, x.position);
          note_passed(cursor, sub_.wants(x.type, x.customer.str()));
        }
        move_cursor(cursor, page.node, page.next);
      }
      save(cursor);
      if (!read_any && !pause(env_.options.idle_poll))
        return;
    }
  }

  /// POSTs `x` until a 2xx; false if stopped first.
  bool deliver(const contract_event& x, const std::string& node) {
    auto body = event_json(x, node).dump();
    auto signature = webhook_signature(sub_.secret, body);
    for (uint64_t attempt = 0;; ++attempt) {
      if (stopping())
        return false;
      auto answer = poster_->post(x.id, x.type, body, signature);
      if (env_.metrics)
        env_.metrics->webhook_delivery(answer.delivered);
      if (answer.delivered) {
        note_delivered();
        return true;
      }
      note_failure(answer.error);
      if (!pause(backoff(env_.options.first_backoff, env_.options.max_backoff,
                         attempt)))
        return false;
    }
  }

  /// Past one event: `delivered` if it was POSTed (then the cursor is
  /// stored at once: a kill now repeats nothing).
  void note_passed(const std::vector<event_page>& cursor, bool delivered) {
    {
      std::lock_guard<std::mutex> guard{mutex_};
      if (status_.backlog > 0)
        --status_.backlog;
    }
    if (delivered)
      save(cursor);
  }

  void save(const std::vector<event_page>& cursor) {
    auto text = cursor_text(cursor);
    if (text == progress_.cursor)
      return;
    progress_.cursor = std::move(text);
    if (auto st = env_.store.save_progress(sub_.id, progress_); !st)
      log::error("webhook.progress_not_saved",
                 {{"subscription", sub_.id},
                  {"reason", persistence::to_string(st.error())}});
    std::lock_guard<std::mutex> guard{mutex_};
    status_.progress = progress_;
  }

  void note_backlog(const std::vector<event_page>& pages) {
    uint64_t backlog = 0;
    for (auto& page : pages) {
      auto from = page.events.empty() ? page.next
                                      : page.events.front().position - 1;
      backlog += page.end > from ? page.end - from : 0;
    }
    {
      std::lock_guard<std::mutex> guard{mutex_};
      status_.backlog = backlog;
    }
    env_.publish();
  }

  void note_delivered() {
    ++progress_.delivered;
    progress_.last_success_ms = now_ms();
    bool recovered = false;
    {
      std::lock_guard<std::mutex> guard{mutex_};
      recovered = status_.failing_since_ms != 0;
      status_.failed_attempts = 0;
      status_.failing_since_ms = 0;
      first_failure_ms_ = 0;
    }
    if (recovered) {
      log::info("webhook.recovered", {{"subscription", sub_.id}});
      env_.publish();
    }
  }

  void note_failure(const std::string& error) {
    auto now = now_ms();
    bool first = false;
    bool now_failing = false;
    uint64_t attempts = 0;
    {
      std::lock_guard<std::mutex> guard{mutex_};
      first = first_failure_ms_ == 0;
      if (first)
        first_failure_ms_ = now;
      attempts = ++status_.failed_attempts;
      status_.last_error = error;
      status_.last_error_ms = now;
      if (status_.failing_since_ms == 0
          && now - first_failure_ms_ >= env_.options.failing_after.count()) {
        status_.failing_since_ms = now;
        now_failing = true;
      }
    }
    if (first)
      log::warn("webhook.delivery_failed",
                {{"subscription", sub_.id}, {"error", error}});
    else
      log::debug("webhook.delivery_failed", {{"subscription", sub_.id},
                                             {"error", error},
                                             {"attempts", attempts}});
    if (now_failing) {
      log::warn("webhook.failing", {{"subscription", sub_.id},
                                    {"error", error},
                                    {"attempts", attempts}});
      env_.publish();
    }
  }

  shared& env_;
  const webhook_subscription sub_;
  /// Owned by the thread; `status_` holds a copy for readers.
  webhook_progress progress_;
  std::unique_ptr<webhook_poster> poster_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  webhook_status status_;
  int64_t first_failure_ms_ = 0;
  std::thread thread_;
};

struct webhook_dispatcher::impl {
  webhook_worker::shared env;
  std::mutex mutex;
  std::map<std::string, std::unique_ptr<webhook_worker>> workers;

  impl(caf::actor_system& sys, const caf::actor& gateway, webhook_store& store,
       webhook_options options, metrics::node_metrics* metrics)
    : env{sys, gateway, store, std::move(options), metrics, {}} {
    env.publish = [this] { publish(); };
  }

  /// The metrics' totals over every subscription.
  void publish() {
    if (!env.metrics)
      return;
    uint64_t backlog = 0;
    uint64_t failing = 0;
    std::lock_guard<std::mutex> guard{mutex};
    for (auto& [id, worker] : workers) {
      auto st = worker->status();
      backlog += st.backlog;
      failing += st.failing_since_ms != 0 ? 1 : 0;
    }
    env.metrics->set_webhooks(backlog, failing);
  }

  persistence::status launch(const webhook_subscription& x) {
    auto progress = env.store.progress(x.id);
    if (!progress)
      return progress.error();
    if (!*progress)
      return persistence::status{};
    auto worker = std::make_unique<webhook_worker>(env, x,
                                                   std::move(**progress));
    std::lock_guard<std::mutex> guard{mutex};
    workers[x.id] = std::move(worker);
    return persistence::status{};
  }

  /// `x`'s status, with its stored progress if its thread is not running.
  persistence::result<webhook_status> status_of(const webhook_subscription& x) {
    {
      std::lock_guard<std::mutex> guard{mutex};
      if (auto i = workers.find(x.id); i != workers.end())
        return i->second->status();
    }
    webhook_status st;
    st.subscription = x;
    auto progress = env.store.progress(x.id);
    if (!progress)
      return progress.error();
    if (*progress)
      st.progress = std::move(**progress);
    return st;
  }
};

webhook_dispatcher::webhook_dispatcher(caf::actor_system& sys,
                                       const caf::actor& gateway,
                                       webhook_store& store,
                                       webhook_options options,
                                       metrics::node_metrics* metrics)
  : impl_(
    std::make_unique<impl>(sys, gateway, store, std::move(options), metrics)) {
}

webhook_dispatcher::~webhook_dispatcher() {
  stop();
}

persistence::status webhook_dispatcher::start() {
  auto subs = impl_->env.store.list();
  if (!subs)
    return subs.error();
  for (auto& x : *subs)
    if (auto st = impl_->launch(x); !st)
      return st;
  log::info("webhook.started", {{"subscriptions", subs->size()}});
  return persistence::status{};
}

persistence::status webhook_dispatcher::add(const webhook_subscription& x,
                                            const std::string& cursor) {
  if (auto st = impl_->env.store.add(x, cursor); !st)
    return st;
  log::info("webhook.added",
            {{"subscription", x.id}, {"url", x.url}, {"by", x.created_by}});
  return impl_->launch(x);
}

persistence::result<bool> webhook_dispatcher::remove(const std::string& id) {
  std::unique_ptr<webhook_worker> worker;
  {
    std::lock_guard<std::mutex> guard{impl_->mutex};
    if (auto i = impl_->workers.find(id); i != impl_->workers.end()) {
      worker = std::move(i->second);
      impl_->workers.erase(i);
    }
  }
  if (worker)
    worker->stop();
  auto removed = impl_->env.store.remove(id);
  if (removed && *removed)
    log::info("webhook.removed", {{"subscription", id}});
  impl_->publish();
  return removed;
}

persistence::result<std::vector<webhook_status>> webhook_dispatcher::list() {
  auto subs = impl_->env.store.list();
  if (!subs)
    return subs.error();
  std::vector<webhook_status> result;
  for (auto& x : *subs) {
    auto st = impl_->status_of(x);
    if (!st)
      return st.error();
    result.push_back(std::move(*st));
  }
  return result;
}

persistence::result<std::optional<webhook_status>>
webhook_dispatcher::find(const std::string& id) {
  auto x = impl_->env.store.find(id);
  if (!x)
    return x.error();
  if (!*x)
    return std::optional<webhook_status>{};
  auto st = impl_->status_of(**x);
  if (!st)
    return st.error();
  return std::optional<webhook_status>{std::move(*st)};
}

const webhook_options& webhook_dispatcher::options() const {
  return impl_->env.options;
}

void webhook_dispatcher::stop() {
  std::map<std::string, std::unique_ptr<webhook_worker>> workers;
  {
    std::lock_guard<std::mutex> guard{impl_->mutex};
    workers.swap(impl_->workers);
  }
  for (auto& [id, worker] : workers)
    worker->stop();
}

} // namespace onset::api
