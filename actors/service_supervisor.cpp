#include "actors/service_supervisor.hpp"

#include <algorithm>
#include <utility>

#include <caf/actor_system.hpp>

#include "actors/batch_collector.hpp"
#include "messages/error_code.hpp"
#include "messages/log.hpp"

namespace onset::actors {

namespace {

using self_ptr
  = service_supervisor_actor::stateful_pointer<service_supervisor_state>;

service_actor spawn_worker(self_ptr self, const service_lane& key) {
  auto& st = self->state;
  auto worker = self->spawn(service_behavior, key.service, st.ctx, st.cat);
  self->monitor(worker);
  st.workers.add(key, worker);
  log::debug("service.spawned", {{"service", key.service.str()},
                                 {"lane", key.lane},
                                 {"actor", worker.id()}});
  return worker;
}

/// The SERVICE actor of `key`, spawned if its service is in the catalog
/// and it is not running.
caf::expected<service_actor> route(self_ptr self, const service_lane& key) {
  auto& st = self->state;
  if (auto worker = st.workers.find(key))
    return *worker;
  if (st.cat->find(key.service) == nullptr)
    return refusal(error_code::unknown_service,
                   key.service.str() + " (known: " + st.cat->service_names()
                     + ")");
  return spawn_worker(self, key);
}

void on_down(self_ptr self, caf::down_msg& msg) {
  auto& st = self->state;
  auto stopped = st.workers.down(msg, self->clock().now());
  if (!stopped)
    return;
  auto& id = stopped->key;
  if (stopped->respawn) {
    log::warn("service.respawned", {{"service", id.service.str()},
                                    {"lane", id.lane},
                                    {"reason", error_detail(msg.reason)}});
    spawn_worker(self, id);
  } else if (msg.reason) {
    // Left down until its next message spawns it again.
    log::error("service.restart_limit", {{"service", id.service.str()},
                                         {"lane", id.lane},
                                         {"reason", error_detail(msg.reason)}});
  }
}

} // namespace

service_lane lane_of(const stream_id& stream, size_t lanes) {
  auto lane = std::hash<contract_id>{}(stream.contract)
              % std::max<size_t>(1, lanes);
  return {service_id{stream.to.name}, lane};
}

service_supervisor_actor::behavior_type service_supervisor_behavior(
  service_supervisor_actor::stateful_pointer<service_supervisor_state> self,
  receiver_context ctx, std::shared_ptr<const catalog> cat) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.cat = std::move(cat);
  st.workers.configure(st.ctx.options);
  self->set_down_handler([self](caf::down_msg& msg) { on_down(self, msg); });
  return {
    [self](atom::apply, instruction& x) -> caf::result<instruction_ack> {
      if (x.stream.to.kind != target_kind::service)
        return refusal(error_code::invalid_input,
                       "not a service stream: " + x.stream.to_string());
      auto lanes = self->state.ctx.options.service_lanes;
      auto worker = route(self, lane_of(x.stream, lanes));
      if (!worker)
        return std::move(worker.error());
      return self->delegate(*worker, atom::apply_v, std::move(x));
    },
    [self](atom::apply, std::vector<instruction>& steps, uint64_t first_token,
           step_sink_actor& sink) {
      collect_batch(self->system(), caf::actor_cast<caf::actor>(self),
                    std::move(steps), first_token, std::move(sink),
                    self->state.ctx.options.batch_patience);
    },
    [self](atom::get, service_id& svc,
           device_id& dev) -> caf::result<service_view> {
      auto worker = route(self, service_lane{svc, 0});
      if (!worker)
        return std::move(worker.error());
      return self->delegate(*worker, atom::get_v, std::move(svc),
                            std::move(dev));
    },
  };
}

service_supervisor_actor
spawn_service_supervisor(caf::actor_system& sys, persistence::store_actor store,
                         persistence::environment& env,
                         std::shared_ptr<const catalog> cat,
                         receiver_options options) {
  return sys.spawn(service_supervisor_behavior,
                   receiver_context{std::move(store), &env, options},
                   std::move(cat));
}

} // namespace onset::actors
