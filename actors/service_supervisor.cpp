#include "actors/service_supervisor.hpp"

#include <utility>

#include <caf/actor_system.hpp>
#include <spdlog/spdlog.h>

#include "actors/error_text.hpp"
#include "messages/error_code.hpp"

namespace onset {

namespace {

using self_ptr
  = service_supervisor_actor::stateful_pointer<service_supervisor_state>;

service_actor spawn_worker(self_ptr self, const service_id& id) {
  auto& st = self->state;
  auto worker = self->spawn(service, id, st.ctx, st.cat);
  self->monitor(worker);
  st.workers.add(id, worker);
  spdlog::debug("{} spawned service {} #{}", st.prefix, id.str(), worker.id());
  return worker;
}

/// The SERVICE actor of `id`, spawned if it is in the catalog and not
/// running.
caf::expected<service_actor> route(self_ptr self, const service_id& id) {
  auto& st = self->state;
  if (auto worker = st.workers.find(id))
    return *worker;
  if (st.cat->find(id) == nullptr)
    return caf::make_error(error_code::unknown_service,
                           id.str() + " (known: " + st.cat->service_names()
                             + ")");
  return spawn_worker(self, id);
}

void on_down(self_ptr self, caf::down_msg& msg) {
  auto& st = self->state;
  auto stopped = st.workers.down(msg, self->clock().now());
  if (!stopped)
    return;
  auto& id = stopped->key;
  if (stopped->respawn) {
    spdlog::warn("{} service {} stopped ({}): respawning", st.prefix,
                 id.str(), error_detail(msg.reason));
    spawn_worker(self, id);
  } else if (msg.reason) {
    spdlog::error("{} service {} stopped ({}): restart limit reached, left "
                  "down until its next message",
                  st.prefix, id.str(), error_detail(msg.reason));
  }
}

} // namespace

service_supervisor_actor::behavior_type service_supervisor(
  service_supervisor_actor::stateful_pointer<service_supervisor_state> self,
  receiver_context ctx, std::shared_ptr<const catalog> cat) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.cat = std::move(cat);
  st.workers.configure(st.ctx.options);
  st.prefix = "[service-supervisor #" + std::to_string(self->id()) + "]";
  self->set_down_handler([self](caf::down_msg& msg) { on_down(self, msg); });
  return {
    [self](atom::apply, instruction& x) -> caf::result<instruction_ack> {
      if (x.stream.to.kind != target_kind::service)
        return caf::make_error(error_code::invalid_input,
                               "not a service stream: "
                                 + x.stream.to_string());
      auto worker = route(self, service_id{x.stream.to.name});
      if (!worker)
        return std::move(worker.error());
      return self->delegate(*worker, atom::apply_v, std::move(x));
    },
    [self](atom::get, service_id& svc,
           device_id& dev) -> caf::result<service_view> {
      auto worker = route(self, svc);
      if (!worker)
        return std::move(worker.error());
      return self->delegate(*worker, atom::get_v, std::move(svc),
                            std::move(dev));
    },
  };
}

service_supervisor_actor
spawn_service_supervisor(caf::actor_system& sys,
                         persistence::store_actor store,
                         persistence::environment& env,
                         std::shared_ptr<const catalog> cat,
                         receiver_options options) {
  return sys.spawn(service_supervisor,
                   receiver_context{std::move(store), &env, options},
                   std::move(cat));
}

} // namespace onset
