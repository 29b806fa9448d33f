#include "actors/device_actor.hpp"

#include <exception>
#include <utility>

#include <spdlog/spdlog.h>

#include "actors/error_text.hpp"
#include "actors/watermarks.hpp"
#include "messages/error_code.hpp"
#include "persistence/device_store.hpp"

namespace onset {

namespace {

using self_ptr = device_worker_actor::stateful_pointer<device_state_holder>;

/// Reads the printer's state from the store into `self->state.printer`.
caf::error load(self_ptr self) {
  auto& st = self->state;
  auto txn = st.ctx.env->begin_read();
  if (!txn)
    return persistence::to_error(txn.error());
  auto found = persistence::device_store::get(txn, st.id);
  if (!found)
    return persistence::to_error(found.error());
  if (!*found)
    return caf::make_error(error_code::unknown_device, st.id.str());
  st.printer = std::move(**found);
  return caf::none;
}

/// Writes `after` if the stored state is still `before` (the state the
/// driver started from); a pure function of the transaction.
persistence::write_batch state_batch(device_state before, device_state after) {
  return [before = std::move(before),
          after = std::move(after)](persistence::write_txn& txn)
           -> caf::error {
    auto& id = after.registration.id;
    auto stored = persistence::device_store::get(txn, id);
    if (!stored)
      return persistence::to_error(stored.error());
    if (!*stored || !(**stored == before))
      return caf::make_error(error_code::wrong_state,
                             "device " + id.str()
                               + " changed under its DEVICE actor");
    return persistence::to_error(persistence::device_store::put(txn, after));
  };
}

/// Runs operation `op` on the driver (its latency has passed) and hands the
/// result to the receiver core.
void run_step(self_ptr self, uint64_t op) {
  auto& st = self->state;
  auto x = st.core->in_flight(op);
  if (x == nullptr)
    return;
  driver_result result;
  try {
    result = st.driver->apply(st.printer, *x);
  } catch (const std::exception& e) {
    result = driver_result::transient(std::string{"driver failed: "}
                                      + e.what());
  }
  switch (result.outcome) {
    case driver_result::status::applied: {
      auto after = result.state;
      st.core->finish(op, execution{{},
                                    state_batch(st.printer, result.state),
                                    [self, after = std::move(after)] {
                                      self->state.printer = after;
                                    }});
      return;
    }
    case driver_result::status::refused:
      st.core->finish(op, execution::failed(caf::make_error(
                            error_code::refused, std::move(result.reason))));
      return;
    case driver_result::status::transient:
      st.core->finish(op, execution::failed(caf::make_error(
                            error_code::transient, std::move(result.reason))));
      return;
  }
}

void execute(self_ptr self, const instruction& x, uint64_t op) {
  auto latency = self->state.driver->latency(x);
  if (latency.count() <= 0) {
    run_step(self, op);
    return;
  }
  spdlog::info("{} executing stream={} seq={} kind={} latency={}ns",
               self->state.prefix, x.stream.to_string(), x.seq,
               to_string(x.kind), latency.count());
  self->delayed_send(self, latency, atom::done_v, op);
}

/// The printer's state with `online` set, written exclusively by the core.
std::function<persistence::write_batch()> online_batch(self_ptr self,
                                                       bool online) {
  return [self, online] {
    auto after = self->state.printer;
    after.online = online;
    return state_batch(self->state.printer, std::move(after));
  };
}

caf::result<device_view> view(self_ptr self) {
  auto& st = self->state;
  auto txn = st.ctx.env->begin_read();
  if (!txn)
    return persistence::to_error(txn.error());
  auto applied = applied_watermarks(txn, target::device(st.id));
  if (!applied)
    return persistence::to_error(applied.error());
  return device_view{st.printer, std::move(*applied)};
}

} // namespace

device_worker_actor::behavior_type
device(device_worker_actor::stateful_pointer<device_state_holder> self,
       device_id id, receiver_context ctx, driver_factory make_driver) {
  auto& st = self->state;
  st.id = std::move(id);
  st.ctx = std::move(ctx);
  st.prefix = "[device " + st.id.str() + " #" + std::to_string(self->id())
              + "]";
  if (auto err = load(self)) {
    spdlog::error("{} cannot start: {}", st.prefix, error_detail(err));
    self->quit(err);
    return stopped_behavior<device_worker_actor>();
  }
  try {
    st.driver = make_driver(st.id);
  } catch (const std::exception& e) {
    spdlog::error("{} no driver: {}", st.prefix, e.what());
    self->quit(
      caf::make_error(caf::sec::runtime_error, std::string{e.what()}));
    return stopped_behavior<device_worker_actor>();
  }
  receiver_core::hooks hooks;
  hooks.execute = [self](const instruction& x, uint64_t op) {
    execute(self, x, op);
  };
  hooks.commit = store_commit(self, st.ctx);
  hooks.reload = [self] {
    auto& st = self->state;
    if (auto err = load(self)) {
      spdlog::error("{} cannot reload: {}", st.prefix, error_detail(err));
      self->quit(err);
      return;
    }
    st.core->hold(!st.printer.online);
  };
  st.core = std::make_unique<receiver_core>(*st.ctx.env, st.prefix,
                                            std::move(hooks));
  st.core->hold(!st.printer.online);
  spdlog::info("{} started firmware={} apps={} online={}", st.prefix,
               st.printer.firmware.to_string(), st.printer.apps.size(),
               st.printer.online);
  return {
    [self](atom::apply, instruction& x) -> caf::result<instruction_ack> {
      auto& st = self->state;
      if (x.stream.to != target::device(st.id) || x.device != st.id)
        return caf::make_error(error_code::invalid_input,
                               "instruction for " + x.stream.to.to_string()
                                 + " about " + x.device.str()
                                 + " sent to device " + st.id.str());
      auto rp = self->make_response_promise<instruction_ack>();
      st.core->apply(std::move(x), deliver_to(rp));
      return rp;
    },
    [self](atom::get, const device_id&) { return view(self); },
    [self](atom::online, const device_id&,
           bool online) -> caf::result<atom::ok> {
      auto& st = self->state;
      auto rp = self->make_response_promise<atom::ok>();
      st.core->write(online_batch(self, online),
                     [self, rp, online](const caf::error& err) mutable {
                       auto& st = self->state;
                       if (err) {
                         rp.deliver(err);
                         return;
                       }
                       st.printer.online = online;
                       spdlog::info("{} {}", st.prefix,
                                    online ? "online" : "offline");
                       st.core->hold(!online);
                       rp.deliver(atom::ok_v);
                     });
      return rp;
    },
    [self](atom::done, uint64_t op) { run_step(self, op); },
  };
}

} // namespace onset
