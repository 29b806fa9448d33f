#include "actors/device_actor.hpp"

#include <exception>
#include <utility>

#include "actors/endpoint_client.hpp"
#include "actors/watermarks.hpp"
#include "messages/error_code.hpp"
#include "persistence/caf_error.hpp"
#include "persistence/device_store.hpp"

namespace onset::actors {

namespace {

using self_ptr = device_worker_actor::stateful_pointer<device_actor_state>;

/// The printer's state as committed, read from the store.
caf::expected<device_state> load(self_ptr self) {
  return registered_printer(*self->state.ctx->env, self->state.id);
}

/// Writes `after` if the stored state is still `before` (the state the
/// driver started from); a pure function of the transaction.
persistence::write_batch state_batch(device_state before, device_state after) {
  return [before = std::move(before),
          after = std::move(after)](persistence::write_txn& txn) -> caf::error {
    auto& id = after.registration.id;
    auto stored = persistence::device_store::get(txn, id);
    if (!stored)
      return persistence::to_error(stored.error());
    if (!*stored || !(**stored == before))
      return refusal(error_code::wrong_state,
                     "device " + id.str() + " changed under its DEVICE actor");
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
  auto current = load(self);
  if (!current) {
    st.core->finish(
      op, execution::failed(
            refusal(error_code::transient, "cannot read the printer's state: "
                                             + error_detail(current.error()))));
    return;
  }
  driver_result result;
  try {
    result = st.driver->apply(*current, *x);
  } catch (const std::exception& e) {
    result
      = driver_result::transient(std::string{"driver failed: "} + e.what());
  }
  switch (result.outcome) {
    case driver_result::status::applied:
      st.core->finish(
        op, execution{{},
                      state_batch(std::move(*current), std::move(result.state)),
                      {},
                      std::nullopt});
      return;
    case driver_result::status::refused:
      st.core->finish(op, execution::failed(refusal(error_code::refused,
                                                    std::move(result.reason))));
      return;
    case driver_result::status::transient:
      st.core->finish(op, execution::failed(refusal(error_code::transient,
                                                    std::move(result.reason))));
      return;
  }
}

/// Onset's mirror of the printer as its endpoint answered: firmware, apps
/// and settings from `state`, the rest (registration, online) as stored.
persistence::write_batch mirror_batch(device_id id,
                                      endpoint::target_state state) {
  return [id = std::move(id),
          state = std::move(state)](persistence::write_txn& txn) -> caf::error {
    auto stored = persistence::device_store::get(txn, id);
    if (!stored)
      return persistence::to_error(stored.error());
    if (!*stored)
      return refusal(error_code::unknown_device, id.str());
    auto after = std::move(**stored);
    after.firmware = state.firmware;
    after.apps = state.apps;
    after.values = state.values;
    return persistence::to_error(persistence::device_store::put(txn, after));
  };
}

/// The stored printer state with `online` set; written exclusively by the
/// core (no step in flight), so it reads the state inside its transaction.
persistence::write_batch online_batch(device_id id, bool online) {
  return
    [id = std::move(id), online](persistence::write_txn& txn) -> caf::error {
      auto stored = persistence::device_store::get(txn, id);
      if (!stored)
        return persistence::to_error(stored.error());
      if (!*stored)
        return refusal(error_code::unknown_device, id.str());
      auto after = std::move(**stored);
      after.online = online;
      return persistence::to_error(persistence::device_store::put(txn, after));
    };
}

caf::result<device_view> view(self_ptr self) {
  auto& st = self->state;
  auto txn = st.ctx->env->begin_read();
  if (!txn)
    return persistence::to_error(txn.error());
  auto found = persistence::device_store::get(txn, st.id);
  if (!found)
    return persistence::to_error(found.error());
  if (!*found)
    return refusal(error_code::unknown_device, st.id.str());
  auto applied = applied_watermarks(txn, target::device(st.id));
  if (!applied)
    return persistence::to_error(applied.error());
  return device_view{std::move(**found), std::move(*applied)};
}

} // namespace

caf::expected<device_state> registered_printer(persistence::environment& env,
                                               const device_id& id) {
  auto txn = env.begin_read();
  if (!txn)
    return persistence::to_error(txn.error());
  auto found = persistence::device_store::get(txn, id);
  if (!found)
    return persistence::to_error(found.error());
  if (!*found)
    return refusal(error_code::unknown_device, id.str());
  return std::move(**found);
}

void device_target::execute(const instruction& x, uint64_t op) {
  if (self_->state.link) {
    self_->state.link->execute(x, op);
    return;
  }
  auto latency = self_->state.driver->latency(x);
  if (latency.count() <= 0) {
    run_step(self_, op);
    return;
  }
  if (log::enabled(log::level::debug))
    self_->state.log.debug("step.executing", {{"stream", x.stream.to_string()},
                                              {"seq", x.seq},
                                              {"kind", to_string(x.kind)},
                                              {"latency_ns", latency.count()}});
  self_->delayed_send(self_, latency, atom::done_v, op);
}

bool device_target::executes_skips() const {
  return self_->state.link && self_->state.link->keeps_seqs();
}

void device_target::commit(persistence::write_batch batch, commit_done done) {
  commit_through_store(self_, *self_->state.ctx, std::move(batch),
                       std::move(done));
}

void device_target::reload() {
  auto& st = self_->state;
  auto loaded = load(self_);
  if (!loaded) {
    st.log.error("device.reload_failed",
                 {{"reason", error_detail(loaded.error())}});
    self_->quit(loaded.error());
    return;
  }
  st.core->hold(!loaded->online);
}

namespace {

/// The link to the printer's endpoint, as its customer's endpoint says.
std::unique_ptr<endpoint_link> make_link(self_ptr self,
                                         const device_state& loaded) {
  auto& st = self->state;
  auto& client
    = st.ctx->options.endpoints->for_customer(loaded.registration.customer);
  return std::make_unique<endpoint_link>(
    client, st.log, wake_by_message(self),
    [id = st.id](const endpoint::target_state& state) {
      return mirror_batch(id, state);
    });
}

/// Loads the printer and makes its driver (or its endpoint link): false
/// (and the actor quits) if either fails.
bool start(self_ptr self, const driver_factory& make_driver) {
  auto& st = self->state;
  auto loaded = load(self);
  if (!loaded) {
    st.log.error("device.start_failed",
                 {{"reason", error_detail(loaded.error())}});
    self->quit(loaded.error());
    return false;
  }
  try {
    if (st.ctx->options.endpoints)
      st.link = make_link(self, *loaded);
    else
      st.driver = make_driver(st.id);
  } catch (const std::exception& e) {
    st.log.error("device.no_driver", {{"reason", e.what()}});
    self->quit(caf::make_error(caf::sec::runtime_error, std::string{e.what()}));
    return false;
  }
  st.target.bind(self);
  st.core.emplace(*st.ctx->env, st.log, st.target, st.ctx->options.executions);
  if (st.link)
    st.link->bind(*st.core);
  st.core->hold(!loaded->online);
  st.log.info("device.started", {{"firmware", loaded->firmware.to_string()},
                                 {"apps", loaded->apps.size()},
                                 {"online", loaded->online}});
  return true;
}

caf::result<instruction_ack> apply_step(self_ptr self, instruction&& x) {
  auto& st = self->state;
  if (x.stream.to != target::device(st.id) || x.device != st.id)
    return refusal(error_code::invalid_input,
                   "instruction for " + x.stream.to.to_string() + " about "
                     + x.device.str() + " sent to device " + st.id.str());
  auto rp = self->make_response_promise<instruction_ack>();
  st.core->apply(std::move(x), deliver_to(rp));
  return rp;
}

/// Persists the online switch, then holds or releases the queued steps.
caf::result<atom::ok> switch_online(self_ptr self, bool online) {
  auto& st = self->state;
  auto rp = self->make_response_promise<atom::ok>();
  st.core->write([id = st.id, online] { return online_batch(id, online); },
                 [self, rp, online](const caf::error& err) mutable {
                   auto& st = self->state;
                   if (err) {
                     rp.deliver(err);
                     return;
                   }
                   st.log.info("device.online", {{"online", online}});
                   st.core->hold(!online);
                   rp.deliver(atom::ok_v);
                 });
  return rp;
}

} // namespace

device_worker_actor::behavior_type
device_behavior(device_worker_actor::stateful_pointer<device_actor_state> self,
                device_id id, std::shared_ptr<const receiver_context> ctx,
                driver_factory make_driver) {
  auto& st = self->state;
  st.id = std::move(id);
  st.ctx = std::move(ctx);
  st.log = log::context{{"device", st.id.str()}};
  if (!start(self, make_driver))
    return stopped_behavior<device_worker_actor>();
  return {
    [self](atom::apply, instruction& x) {
      return apply_step(self, std::move(x));
    },
    [self](atom::get, const device_id&) { return view(self); },
    [self](atom::online, const device_id&, bool online) {
      return switch_online(self, online);
    },
    [self](atom::done, uint64_t op) {
      if (self->state.link)
        self->state.link->resume(op);
      else
        run_step(self, op);
    },
  };
}

} // namespace onset::actors
