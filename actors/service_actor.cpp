#include "actors/service_actor.hpp"

#include <optional>
#include <utility>

#include "actors/endpoint_client.hpp"
#include "actors/service_steps.hpp"
#include "actors/watermarks.hpp"
#include "messages/error_code.hpp"
#include "persistence/caf_error.hpp"
#include "persistence/service_store.hpp"

namespace onset::actors {

namespace {

using self_ptr = service_worker_actor::stateful_pointer<service_state>;

/// Writes `after` if the stored state is still `before` (the state the step
/// was computed from); a pure function of the transaction.
persistence::write_batch state_batch(service_id svc, device_id dev,
                                     std::optional<service_device_state> before,
                                     service_device_state after) {
  return
    [svc = std::move(svc), dev = std::move(dev), before = std::move(before),
     after = std::move(after)](persistence::write_txn& txn) -> caf::error {
      auto stored = persistence::service_store::get(txn, svc, dev);
      if (!stored)
        return persistence::to_error(stored.error());
      if (!(*stored == before))
        return refusal(error_code::wrong_state,
                       "printer " + dev.str() + " at service " + svc.str()
                         + " changed under its SERVICE actor");
      return persistence::to_error(
        persistence::service_store::put(txn, svc, dev, after));
    };
}

/// Computes the step against the stored state; no latency on this side.
execution run_step(self_ptr self, const instruction& x) {
  auto& st = self->state;
  std::optional<service_device_state> before;
  {
    auto txn = st.ctx.env->begin_read();
    if (!txn)
      return execution::failed(persistence::to_error(txn.error()));
    auto stored = persistence::service_store::get(txn, st.id, x.device);
    if (!stored)
      return execution::failed(persistence::to_error(stored.error()));
    before = std::move(*stored);
  }
  auto next = apply_service_step(*st.spec,
                                 before.value_or(service_device_state{}), x);
  if (auto reason = std::get_if<std::string>(&next))
    return execution::failed(refusal(error_code::refused, std::move(*reason)));
  return execution{{},
                   state_batch(st.id, x.device, std::move(before),
                               std::get<service_device_state>(std::move(next))),
                   {},
                   std::nullopt};
}

/// Onset's mirror of one printer at the service as its endpoint answered.
persistence::write_batch mirror_batch(service_id svc,
                                      endpoint::target_state state) {
  return [svc = std::move(svc),
          state = std::move(state)](persistence::write_txn& txn) -> caf::error {
    service_device_state after;
    after.values = state.values;
    after.registered = state.registered;
    after.active = state.active;
    return persistence::to_error(
      persistence::service_store::put(txn, svc, state.ref.device, after));
  };
}

/// The link to the service's endpoint; false (and the actor quits) if the
/// endpoints file names none for it.
bool link_endpoint(self_ptr self) {
  auto& st = self->state;
  auto client = st.ctx.options.endpoints->for_service(st.id);
  if (client == nullptr) {
    st.log.error("service.start_failed", {{"reason", "no endpoint"}});
    self->quit(
      refusal(error_code::unknown_service, st.id.str() + " has no endpoint"));
    return false;
  }
  st.link = std::make_unique<endpoint_link>(
    *client, st.log, wake_by_message(self),
    [svc = st.id](const endpoint::target_state& state) {
      return mirror_batch(svc, state);
    });
  return true;
}

caf::result<service_view> view(self_ptr self, const device_id& dev) {
  auto& st = self->state;
  auto txn = st.ctx.env->begin_read();
  if (!txn)
    return persistence::to_error(txn.error());
  auto stored = persistence::service_store::get(txn, st.id, dev);
  if (!stored)
    return persistence::to_error(stored.error());
  auto applied = applied_watermarks(txn, target::service(st.id));
  if (!applied)
    return persistence::to_error(applied.error());
  return service_view{st.id, dev, stored->value_or(service_device_state{}),
                      std::move(*applied)};
}

} // namespace

void service_target::execute(const instruction& x, uint64_t op) {
  if (self_->state.link) {
    self_->state.link->execute(x, op);
    return;
  }
  self_->state.core->finish(op, run_step(self_, x));
}

bool service_target::executes_skips() const {
  return self_->state.link && self_->state.link->keeps_seqs();
}

void service_target::commit(persistence::write_batch batch, commit_done done) {
  commit_through_store(self_, self_->state.ctx, std::move(batch),
                       std::move(done));
}

service_worker_actor::behavior_type
service_behavior(service_worker_actor::stateful_pointer<service_state> self,
                 service_id id, receiver_context ctx,
                 std::shared_ptr<const catalog> cat) {
  auto& st = self->state;
  st.id = std::move(id);
  st.ctx = std::move(ctx);
  st.cat = std::move(cat);
  st.log = log::context{{"service", st.id.str()}};
  st.spec = st.cat ? st.cat->find(st.id) : nullptr;
  if (st.spec == nullptr) {
    st.log.error("service.start_failed", {{"reason", "not in the catalog"}});
    self->quit(refusal(error_code::unknown_service, st.id.str()));
    return stopped_behavior<service_worker_actor>();
  }
  if (st.ctx.options.endpoints && !link_endpoint(self))
    return stopped_behavior<service_worker_actor>();
  st.target.bind(self);
  st.core.emplace(*st.ctx.env, st.log, st.target, st.ctx.options.executions);
  if (st.link)
    st.link->bind(*st.core);
  st.log.info("service.started");
  return {
    [self](atom::apply, instruction& x) -> caf::result<instruction_ack> {
      auto& st = self->state;
      if (x.stream.to != target::service(st.id))
        return refusal(error_code::invalid_input,
                       "instruction for " + x.stream.to.to_string()
                         + " sent to service " + st.id.str());
      if (!x.stream.device.empty() && x.stream.device != x.device)
        return refusal(error_code::invalid_input,
                       "instruction of stream " + x.stream.to_string()
                         + " is about printer " + x.device.str());
      auto rp = self->make_response_promise<instruction_ack>();
      st.core->apply(std::move(x), deliver_to(rp));
      return rp;
    },
    [self](atom::get, const service_id& svc,
           const device_id& dev) -> caf::result<service_view> {
      if (svc != self->state.id)
        return refusal(error_code::unknown_service, svc.str());
      return view(self, dev);
    },
    [self](atom::done, uint64_t call) {
      if (self->state.link)
        self->state.link->resume(call);
    },
  };
}

} // namespace onset::actors
