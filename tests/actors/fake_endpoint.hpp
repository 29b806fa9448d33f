// A small endpoint for the tests of the HTTP adapter: a cpp-httplib server
// on a loopback port of its own that answers the endpoint protocol v1
// (docs/endpoints.md) for a few printers and services, keeps what it
// performed, and misbehaves as a test scripts it. Included by test sources
// only.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <httplib.h>

#include "messages/endpoint_protocol.hpp"

namespace onset::test {

class fake_endpoint {
public:
  /// What the next applies get instead of the protocol's answer.
  struct script {
    /// `retry_later` for the next N instructions.
    int retry_later = 0;
    /// Perform the next N applies, then answer only after `lose_for` (past
    /// the client's timeout): a lost reply.
    int lose = 0;
    std::chrono::milliseconds lose_for{800};
    /// A body outside the protocol for the next N apply requests.
    int malformed = 0;
    /// `applied` for seq+1 (never sent) for the next N instructions.
    int foreign_seq = 0;
    /// Non-empty: refuse every instruction with this reason.
    std::string refuse;
    /// Answer `applied` but perform nothing (a state-only endpoint whose
    /// read-back then differs).
    bool no_effect = false;
    /// Before every answer.
    std::chrono::milliseconds delay{0};
    /// Hold the next N applies for `hold_for` before performing them (a
    /// request queued at a slow or paused endpoint), past the client's
    /// timeout: the client gives up while they are still to come.
    int hold = 0;
    std::chrono::milliseconds hold_for{700};
    /// Perform an apply whose `not_after` has passed (an endpoint that
    /// breaks docs/endpoints.md, "Deadlines"), instead of `retry_later`.
    bool ignore_deadline = false;
  };

  /// `state_only`: keeps no per-stream record, performs every apply.
  explicit fake_endpoint(bool state_only = false) : state_only_(state_only) {
    server_.Get("/v1/health", [this](const httplib::Request&,
                                     httplib::Response& res) {
      endpoint::health x;
      x.idempotent = !state_only_;
      res.set_content(endpoint::encode_health(x), "application/json");
    });
    server_.Post("/v1/apply",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   on_apply(req, res);
                 });
    server_.Post("/v1/read",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   on_read(req, res);
                 });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread{[this] { server_.listen_after_bind(); }};
    // Listening begins on the thread; wait for it, at most 10 s.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (!server_.is_running()) {
      if (std::chrono::steady_clock::now() > deadline)
        throw std::runtime_error{"fake endpoint: not listening after 10 s"};
      std::this_thread::yield();
    }
  }

  ~fake_endpoint() {
    server_.stop();
    thread_.join();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_);
  }

  static constexpr const char* token = "test-token";

  void set_script(script x) {
    std::lock_guard<std::mutex> guard{mtx_};
    script_ = std::move(x);
  }

  /// A printer it manages, with its firmware.
  void add_printer(const std::string& id, const char* firmware) {
    std::lock_guard<std::mutex> guard{mtx_};
    auto& st = state_of({target::device(device_id{id}), device_id{id}});
    st.firmware = *firmware_version::parse(firmware);
  }

  /// Forgets everything after seq `seq` of `stream` was applied (a restore
  /// from a backup); the effects stay.
  void restore_to(const stream_id& stream, uint64_t seq) {
    std::lock_guard<std::mutex> guard{mtx_};
    applied_[stream.to_string()] = seq;
  }

  /// How often the effect of `seq` of `stream` was performed.
  int performed(const stream_id& stream, uint64_t seq) {
    std::lock_guard<std::mutex> guard{mtx_};
    auto i = effects_.find({stream.to_string(), seq});
    return i == effects_.end() ? 0 : i->second;
  }

  endpoint::target_state state(const endpoint::target_ref& ref) {
    std::lock_guard<std::mutex> guard{mtx_};
    return state_of(ref);
  }

  int apply_requests() {
    std::lock_guard<std::mutex> guard{mtx_};
    return apply_requests_;
  }

  /// The most instructions one apply request carried.
  size_t largest_batch() {
    std::lock_guard<std::mutex> guard{mtx_};
    return largest_batch_;
  }

  int read_requests() {
    std::lock_guard<std::mutex> guard{mtx_};
    return read_requests_;
  }

  /// Held applies (script::hold) that have been dealt with.
  int held_done() {
    std::lock_guard<std::mutex> guard{mtx_};
    return held_done_;
  }

  /// The deadline of the last apply request come (held or not), ms since
  /// the Unix epoch.
  std::optional<int64_t> last_not_after() {
    std::lock_guard<std::mutex> guard{mtx_};
    return last_not_after_;
  }

  /// When the last read request came, ms since the Unix epoch.
  int64_t last_read_at() {
    std::lock_guard<std::mutex> guard{mtx_};
    return last_read_at_;
  }

  static int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
      .count();
  }

  /// Waits up to 10 s until `n` held applies have been dealt with.
  bool await_held(int n) {
    std::unique_lock<std::mutex> guard{mtx_};
    return held_cv_.wait_for(guard, std::chrono::seconds{10},
                             [&] { return held_done_ >= n; });
  }

private:
  bool authorized(const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") == std::string{"Bearer "} + token)
      return true;
    res.status = 401;
    res.set_content(endpoint::encode_error("unauthorized", "bad token"),
                    "application/json");
    return false;
  }

  endpoint::target_state& state_of(const endpoint::target_ref& ref) {
    auto i = targets_.find(ref);
    if (i == targets_.end()) {
      endpoint::target_state fresh;
      fresh.ref = ref;
      i = targets_.emplace(ref, std::move(fresh)).first;
    }
    return i->second;
  }

  /// The state with the streams of its target, as answers carry it.
  endpoint::target_state answer_state(const endpoint::target_ref& ref) {
    auto result = state_of(ref);
    if (!state_only_)
      for (auto& key : streams_[ref])
        result.streams[key] = applied_[key];
    return result;
  }

  void perform(const instruction& x) {
    auto& st = state_of(endpoint::target_of(x));
    ++effects_[{x.stream.to_string(), x.seq}];
    if (script_.no_effect)
      return;
    switch (x.kind) {
      case step_kind::firmware:
        if (st.firmware < x.firmware)
          st.firmware = x.firmware;
        return;
      case step_kind::apps_install:
        for (auto& a : x.apps)
          if (std::find(st.apps.begin(), st.apps.end(), a) == st.apps.end())
            st.apps.push_back(a);
        std::sort(st.apps.begin(), st.apps.end());
        return;
      case step_kind::settings_apply:
        for (auto& [k, v] : x.values)
          st.values[k] = v;
        return;
      case step_kind::settings_revert:
        for (auto& kv : x.values)
          st.values.erase(kv.first);
        return;
      case step_kind::apps_remove:
        for (auto& a : x.apps)
          st.apps.erase(std::remove(st.apps.begin(), st.apps.end(), a),
                        st.apps.end());
        return;
      case step_kind::service_prepare:
        st.registered = true;
        st.values = x.values;
        return;
      case step_kind::service_activate:
        st.active = true;
        return;
      case step_kind::service_deactivate:
        st.registered = false;
        st.active = false;
        st.values.clear();
        return;
      case step_kind::skip:
        return;
    }
  }

  endpoint::apply_result answer(const endpoint::apply_item& item) {
    auto& x = item.x;
    auto key = x.stream.to_string();
    endpoint::apply_result r;
    r.stream = x.stream;
    r.seq = x.seq;
    if (item.not_after_ms && now_ms() > *item.not_after_ms
        && !script_.ignore_deadline) {
      r.outcome = endpoint::outcome_kind::retry_later;
      r.reason = "deadline_passed";
      return r;
    }
    if (script_.retry_later > 0) {
      --script_.retry_later;
      r.outcome = endpoint::outcome_kind::retry_later;
      r.reason = "busy";
      return r;
    }
    if (!script_.refuse.empty()) {
      r.outcome = endpoint::outcome_kind::refused;
      r.reason = script_.refuse;
      return r;
    }
    auto ref = endpoint::target_of(x);
    streams_[ref].insert(key);
    if (!state_only_) {
      auto a = applied_[key];
      if (x.seq <= a) {
        auto same = digests_[{key, x.seq}] == item.digest;
        r.outcome = same ? endpoint::outcome_kind::already_applied
                         : endpoint::outcome_kind::conflict;
        if (same)
          r.state = answer_state(ref);
        else
          r.reason = "other digest";
        return r;
      }
      if (x.seq > a + 1) {
        r.outcome = endpoint::outcome_kind::out_of_order;
        r.expected_seq = a + 1;
        return r;
      }
      applied_[key] = x.seq;
      digests_[{key, x.seq}] = item.digest;
    }
    perform(x);
    r.outcome = endpoint::outcome_kind::applied;
    r.state = answer_state(ref);
    if (script_.foreign_seq > 0) {
      --script_.foreign_seq;
      r.seq = x.seq + 1;
    }
    return r;
  }

  static void bad_request(httplib::Response& res, const invalid_input& why) {
    res.status = 400;
    res.set_content(endpoint::encode_error("bad_request", why.to_string()),
                    "application/json");
  }

  void on_apply(const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res))
      return;
    auto parsed = endpoint::parse_apply_request(req.body);
    if (!parsed) {
      bad_request(res, parsed.error());
      return;
    }
    std::chrono::milliseconds held{0};
    {
      std::lock_guard<std::mutex> guard{mtx_};
      last_not_after_ = parsed.value().front().not_after_ms;
      if (script_.hold > 0) {
        --script_.hold;
        held = script_.hold_for;
      }
    }
    std::this_thread::sleep_for(held);
    std::chrono::milliseconds wait{0};
    std::string body;
    {
      std::lock_guard<std::mutex> guard{mtx_};
      if (held.count() > 0) {
        ++held_done_;
        held_cv_.notify_all();
      }
      ++apply_requests_;
      largest_batch_ = std::max(largest_batch_, parsed.value().size());
      wait = script_.delay;
      std::vector<endpoint::apply_result> results;
      for (auto& item : parsed.value())
        results.push_back(answer(item));
      body = endpoint::encode_apply_response(results);
      if (script_.malformed > 0) {
        --script_.malformed;
        body = R"({"results": 5})";
      }
      if (script_.lose > 0) {
        --script_.lose;
        wait += script_.lose_for;
      }
    }
    std::this_thread::sleep_for(wait);
    res.set_content(body, "application/json");
  }

  void on_read(const httplib::Request& req, httplib::Response& res) {
    if (!authorized(req, res))
      return;
    auto parsed = endpoint::parse_read_request(req.body);
    if (!parsed) {
      bad_request(res, parsed.error());
      return;
    }
    std::string body;
    std::chrono::milliseconds wait{0};
    {
      std::lock_guard<std::mutex> guard{mtx_};
      ++read_requests_;
      last_read_at_ = now_ms();
      wait = script_.delay;
      std::vector<endpoint::target_state> states;
      for (auto& ref : parsed.value())
        states.push_back(answer_state(ref));
      body = endpoint::encode_read_response(states);
    }
    std::this_thread::sleep_for(wait);
    res.set_content(body, "application/json");
  }

  bool state_only_;
  std::mutex mtx_;
  /// Signalled when a held apply has been dealt with (`await_held`).
  std::condition_variable held_cv_;
  script script_;
  std::map<endpoint::target_ref, endpoint::target_state> targets_;
  std::map<endpoint::target_ref, std::set<std::string>> streams_;
  std::map<std::string, uint64_t> applied_;
  std::map<std::pair<std::string, uint64_t>, std::string> digests_;
  std::map<std::pair<std::string, uint64_t>, int> effects_;
  int apply_requests_ = 0;
  size_t largest_batch_ = 0;
  int read_requests_ = 0;
  int held_done_ = 0;
  std::optional<int64_t> last_not_after_;
  int64_t last_read_at_ = 0;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

} // namespace onset::test
