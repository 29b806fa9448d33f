#include "actors/fault_injector.hpp"

#include <map>
#include <optional>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/error_code.hpp"
#include "messages/log.hpp"

namespace onset::actors {

namespace {

// The injector's own interfaces: the target's, plus the timer message of a
// delayed instruction. The handles never leave this file.
using device_injector_actor
  = device_actor::extend<caf::reacts_to<atom::done, uint64_t>>;
using service_injector_actor
  = service_actor::extend<caf::reacts_to<atom::done, uint64_t>>;

struct fault_injector_state {
  static inline const char* name = "fault-injector";
  /// `target=TAG`: which injector an event comes from.
  log::context logger;
  std::optional<fault_plan> plan;
  std::chrono::nanoseconds timeout{};
  uint64_t next_delayed = 0;
  /// Delayed instructions by id, with the promise of their sender.
  std::map<uint64_t,
           std::pair<instruction, caf::typed_response_promise<instruction_ack>>>
    delayed;
  /// Per instruction (stream, seq), whether it is refused: decided when it
  /// is first seen and kept, as a printer refuses the same step every time
  /// and never refuses one it applied (an earlier attempt may have reached
  /// it, its ack lost). Test-only: grows with the instructions seen.
  std::map<std::pair<stream_id, uint64_t>, bool> refused;
};

/// `f`, or none where a refusal would not be a target's: a `skip`, or an
/// instruction not refused when it was first seen; and a refusal for an
/// instruction refused before.
fault refusal_kept(fault_injector_state& st, fault f, const instruction& x) {
  if (x.kind == step_kind::skip)
    return f == fault::refuse ? fault::none : f;
  auto [i, first] = st.refused.emplace(std::make_pair(x.stream, x.seq),
                                       f == fault::refuse);
  if (i->second)
    return fault::refuse;
  return f == fault::refuse ? fault::none : f;
}

/// The apply handler of both injectors: one fault per instruction.
template <class Self, class Inner>
caf::result<instruction_ack>
apply(Self* self, const Inner& inner, instruction x) {
  auto& st = self->state;
  auto f = refusal_kept(st, st.plan->next(), x);
  if (f != fault::none)
    st.logger.info("fault.injected", {{"kind", to_string(f)},
                                      {"stream", x.stream.to_string()},
                                      {"seq", x.seq}});
  switch (f) {
    case fault::none:
      break;
    case fault::drop_request:
      // Never answered: the sender's request times out and it resends.
      return self->template make_response_promise<instruction_ack>();
    case fault::drop_reply:
      self->request(inner, st.timeout, atom::apply_v, std::move(x))
        .then([](instruction_ack&) {}, [](caf::error&) {});
      return self->template make_response_promise<instruction_ack>();
    case fault::duplicate:
      self->request(inner, st.timeout, atom::apply_v, x)
        .then([](instruction_ack&) {}, [](caf::error&) {});
      break;
    case fault::refuse:
      return refusal(error_code::refused, "test fault: step refused");
    case fault::delay: {
      auto id = ++st.next_delayed;
      auto rp = self->template make_response_promise<instruction_ack>();
      st.delayed.emplace(id, std::make_pair(std::move(x), rp));
      self->delayed_send(self, st.plan->next_delay(), atom::done_v, id);
      return rp;
    }
  }
  return self->delegate(inner, atom::apply_v, std::move(x));
}

/// A delayed instruction's time has come: it goes on with its promise.
template <class Self, class Inner>
void release(Self* self, const Inner& inner, uint64_t id) {
  auto& st = self->state;
  auto i = st.delayed.find(id);
  if (i == st.delayed.end())
    return;
  auto [x, rp] = std::move(i->second);
  st.delayed.erase(i);
  rp.delegate(inner, atom::apply_v, std::move(x));
}

template <class Self>
void init(Self* self, const fault_options& faults, std::string tag,
          std::chrono::nanoseconds timeout) {
  auto& st = self->state;
  st.logger = log::context{{"target", std::move(tag)}};
  st.plan.emplace(faults);
  st.timeout = timeout;
  st.logger.warn("fault.enabled", {{"faults", to_string(faults)}});
}

device_injector_actor::behavior_type device_injector_behavior(
  device_injector_actor::stateful_pointer<fault_injector_state> self,
  device_actor inner, fault_options faults, std::string tag,
  std::chrono::nanoseconds timeout) {
  init(self, faults, std::move(tag), timeout);
  return {
    [self, inner](atom::apply, instruction& x) {
      return apply(self, inner, std::move(x));
    },
    [self, inner](atom::get, device_id& id) {
      return self->delegate(inner, atom::get_v, std::move(id));
    },
    [self, inner](atom::online, device_id& id, bool on) {
      return self->delegate(inner, atom::online_v, std::move(id), on);
    },
    [self, inner](atom::done, uint64_t id) { release(self, inner, id); },
  };
}

service_injector_actor::behavior_type service_injector_behavior(
  service_injector_actor::stateful_pointer<fault_injector_state> self,
  service_actor inner, fault_options faults, std::string tag,
  std::chrono::nanoseconds timeout) {
  init(self, faults, std::move(tag), timeout);
  return {
    [self, inner](atom::apply, instruction& x) {
      return apply(self, inner, std::move(x));
    },
    [self, inner](atom::get, service_id& service, device_id& device) {
      return self->delegate(inner, atom::get_v, std::move(service),
                            std::move(device));
    },
    [self, inner](atom::done, uint64_t id) { release(self, inner, id); },
  };
}

} // namespace

device_actor spawn_fault_injector(caf::actor_system& sys, device_actor inner,
                                  const fault_options& faults, std::string tag,
                                  std::chrono::nanoseconds timeout) {
  return caf::actor_cast<device_actor>(sys.spawn(device_injector_behavior,
                                                 std::move(inner), faults,
                                                 std::move(tag), timeout));
}

service_actor spawn_fault_injector(caf::actor_system& sys, service_actor inner,
                                   const fault_options& faults, std::string tag,
                                   std::chrono::nanoseconds timeout) {
  return caf::actor_cast<service_actor>(sys.spawn(service_injector_behavior,
                                                  std::move(inner), faults,
                                                  std::move(tag), timeout));
}

} // namespace onset::actors
