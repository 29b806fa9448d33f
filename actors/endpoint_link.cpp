#include "actors/endpoint_link.hpp"

#include <utility>

#include "messages/error_code.hpp"

namespace onset::actors {

using status = endpoint_answer::status;

endpoint_link::endpoint_link(endpoint_client& client, const log::context& log,
                             wake_fn wake, mirror_fn mirror)
  : client_(client),
    log_(log),
    wake_(std::move(wake)),
    mirror_(std::move(mirror)) {
}

void endpoint_link::execute(const instruction& x, uint64_t op) {
  op_ = op;
  if (!client_.idempotent() || uncertain_.count(x.stream) != 0)
    send_read(x, phase::read_before);
  else
    send_apply(x);
}

void endpoint_link::resume(uint64_t call) {
  endpoint_answer a;
  {
    std::lock_guard<std::mutex> guard{box_->mtx};
    auto i = box_->answers.find(call);
    if (i == box_->answers.end())
      return;
    a = std::move(i->second);
    box_->answers.erase(i);
  }
  auto x = core_ ? core_->in_flight(op_) : nullptr;
  if (call != call_ || x == nullptr)
    return;
  switch (phase_) {
    case phase::read_before:
      on_read_before(*x, a);
      return;
    case phase::apply:
      on_apply(*x, a);
      return;
    case phase::read_back:
      on_read_back(*x, a);
      return;
  }
}

endpoint_callback endpoint_link::parked(uint64_t call) const {
  return [box = box_, wake = wake_, call](endpoint_answer a) {
    {
      std::lock_guard<std::mutex> guard{box->mtx};
      box->answers[call] = std::move(a);
    }
    wake(call);
  };
}

void endpoint_link::send_read(const instruction& x, phase p) {
  phase_ = p;
  client_.read(endpoint::target_of(x), parked(++call_));
}

void endpoint_link::send_apply(const instruction& x) {
  phase_ = phase::apply;
  client_.apply(x, parked(++call_));
}

void endpoint_link::on_read_before(const instruction& x,
                                   const endpoint_answer& a) {
  if (a.outcome != status::ok) {
    on_failed(x, a);
    return;
  }
  if (client_.idempotent()) {
    // The apply that got no answer may be there: the endpoint's record of
    // the stream says. Behind seq-1, it lost what Onset holds applied.
    auto i = a.state.streams.find(x.stream.to_string());
    auto applied = i == a.state.streams.end() ? uint64_t{0} : i->second;
    if (applied + 1 < x.seq) {
      uncertain_.erase(x.stream);
      core_->finish(op_, execution::target_behind(applied));
      return;
    }
    send_apply(x);
    return;
  }
  if (endpoint::effect_present(a.state, x)) {
    log_.info("endpoint.effect_present", {{"endpoint", client_.name()},
                                          {"stream", x.stream.to_string()},
                                          {"seq", x.seq}});
    commit(a.state);
    return;
  }
  if (x.acked_before) {
    // This receiver acked it before its store went back: the endpoint
    // performed it then, and a later seq changed what it wrote. Performing
    // it again would be a duplicate, and undo that later seq.
    log_.info("endpoint.performed_before", {{"endpoint", client_.name()},
                                            {"stream", x.stream.to_string()},
                                            {"seq", x.seq}});
    commit(a.state);
    return;
  }
  send_apply(x);
}

bool endpoint_link::keeps_seqs() const {
  return client_.idempotent();
}

void endpoint_link::on_apply(const instruction& x, const endpoint_answer& a) {
  if (a.outcome != status::ok) {
    on_failed(x, a);
    return;
  }
  auto& r = a.result;
  if (r.stream != x.stream || r.seq != x.seq) {
    violation(x, "answer for seq " + std::to_string(r.seq) + " of "
                   + r.stream.to_string() + ", sent seq "
                   + std::to_string(x.seq) + " of " + x.stream.to_string());
    return;
  }
  switch (r.outcome) {
    case endpoint::outcome_kind::applied:
    case endpoint::outcome_kind::already_applied:
      if (!r.state || !(r.state->ref == endpoint::target_of(x))) {
        violation(x, std::string{endpoint::to_string(r.outcome)}
                       + " without the target's state");
        return;
      }
      uncertain_.erase(x.stream);
      if (client_.idempotent())
        commit(*r.state);
      else
        send_read(x, phase::read_back);
      return;
    case endpoint::outcome_kind::refused:
      uncertain_.erase(x.stream);
      fail(error_code::refused, r.reason);
      return;
    case endpoint::outcome_kind::retry_later:
      uncertain_.erase(x.stream);
      fail(error_code::transient,
           "endpoint " + client_.name() + " retry_later: " + r.reason);
      return;
    case endpoint::outcome_kind::conflict:
      log_.error("endpoint.conflict", {{"endpoint", client_.name()},
                                       {"stream", x.stream.to_string()},
                                       {"seq", x.seq},
                                       {"reason", r.reason}});
      fail(error_code::conflict,
           "endpoint " + client_.name() + ": seq " + std::to_string(x.seq)
             + " was applied with other content: " + r.reason);
      return;
    case endpoint::outcome_kind::out_of_order:
      if (r.expected_seq == 0 || r.expected_seq >= x.seq) {
        violation(x, "out_of_order expecting seq "
                       + std::to_string(r.expected_seq) + " for seq "
                       + std::to_string(x.seq));
        return;
      }
      uncertain_.erase(x.stream);
      core_->finish(op_, execution::target_behind(r.expected_seq - 1));
      return;
  }
  violation(x, "unknown outcome");
}

void endpoint_link::on_read_back(const instruction& x,
                                 const endpoint_answer& a) {
  if (a.outcome != status::ok) {
    // Applied, but not verified: the next attempt reads first, as every
    // one on a state-only endpoint does.
    on_failed(x, a);
    return;
  }
  std::string why;
  if (!endpoint::effect_present(a.state, x, &why)) {
    log_.warn("endpoint.read_back_differs", {{"endpoint", client_.name()},
                                             {"stream", x.stream.to_string()},
                                             {"seq", x.seq},
                                             {"difference", why}});
    fail(error_code::refused, "read-back after apply differs: " + why);
    return;
  }
  commit(a.state);
}

void endpoint_link::on_failed(const instruction& x, const endpoint_answer& a) {
  switch (a.outcome) {
    case status::ok:
    case status::unavailable:
      fail(error_code::transient,
           "endpoint " + client_.name() + " unavailable: " + a.what);
      return;
    case status::lost:
      uncertain_.insert(x.stream);
      fail(error_code::transient,
           "endpoint " + client_.name() + " answer lost: " + a.what);
      return;
    case status::violation:
      violation(x, a.what);
      return;
  }
}

void endpoint_link::violation(const instruction& x, const std::string& what) {
  log_.error("endpoint.protocol_violation", {{"endpoint", client_.name()},
                                             {"stream", x.stream.to_string()},
                                             {"seq", x.seq},
                                             {"what", what}});
  // Whatever it did with the apply is unknown: read before the next one.
  uncertain_.insert(x.stream);
  fail(error_code::transient,
       "endpoint " + client_.name() + " protocol violation: " + what);
}

void endpoint_link::commit(const endpoint::target_state& state) {
  core_->finish(op_, execution{{}, mirror_(state), {}, std::nullopt});
}

void endpoint_link::fail(error_code code, std::string reason) {
  core_->finish(op_, execution::failed(refusal(code, std::move(reason))));
}

} // namespace onset::actors
