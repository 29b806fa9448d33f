#include "actors/device_supervisor.hpp"

#include <map>
#include <memory>
#include <utility>

#include <caf/actor_system.hpp>

#include "actors/batch_collector.hpp"
#include "actors/device_changes.hpp"
#include "messages/error_code.hpp"
#include "messages/log.hpp"
#include "persistence/caf_error.hpp"
#include "persistence/device_store.hpp"

namespace onset::actors {

namespace {

using self_ptr
  = device_supervisor_actor::stateful_pointer<device_supervisor_state>;

device_worker_actor spawn_worker(self_ptr self, const device_id& id) {
  auto& st = self->state;
  auto worker = self->spawn(device_behavior, id, st.ctx, st.make_driver);
  self->monitor(worker);
  st.workers.add(id, worker);
  log::debug("device.spawned", {{"device", id.str()}, {"actor", worker.id()}});
  return worker;
}

/// The DEVICE actor of `id`, spawned if it is registered and not running.
caf::expected<device_worker_actor> route(self_ptr self, const device_id& id) {
  auto& st = self->state;
  if (auto worker = st.workers.find(id))
    return *worker;
  if (auto found = registered_printer(*st.ctx->env, id); !found)
    return std::move(found.error());
  return spawn_worker(self, id);
}

/// Refuses records without an id or customer, and two different records
/// for one printer. Returns the records without duplicates.
caf::expected<std::vector<device_record>>
checked(std::vector<device_record> xs) {
  std::map<device_id, device_record> unique;
  for (size_t i = 0; i < xs.size(); ++i) {
    auto& x = xs[i];
    auto field = "devices[" + std::to_string(i) + "]";
    if (x.id.empty())
      return refusal(error_code::invalid_input, field + ".id: empty");
    if (x.customer.empty())
      return refusal(error_code::invalid_input,
                     field + ".customer: empty (device " + x.id.str() + ")");
    auto [pos, added] = unique.emplace(x.id, x);
    if (!added && !(pos->second == x))
      return refusal(error_code::invalid_input,
                     "device " + x.id.str()
                       + " appears twice with different records");
  }
  std::vector<device_record> result;
  result.reserve(unique.size());
  for (auto& [id, x] : unique)
    result.push_back(std::move(x));
  return result;
}

/// Registers every printer of `xs` that is not registered yet; all or
/// nothing. `added` counts the new ones (reset when the STORE replays).
persistence::write_batch enroll_batch(std::vector<device_record> xs,
                                      std::shared_ptr<size_t> added) {
  return [xs = std::move(xs),
          added = std::move(added)](persistence::write_txn& txn) -> caf::error {
    *added = 0;
    for (auto& x : xs) {
      auto stored = persistence::device_store::get(txn, x.id);
      if (!stored)
        return persistence::to_error(stored.error());
      if (*stored) {
        if ((*stored)->registration == x)
          continue;
        return refusal(error_code::invalid_input,
                       "device " + x.id.str()
                         + " is registered with a different record");
      }
      device_state fresh;
      fresh.registration = x;
      fresh.firmware = x.firmware;
      fresh.apps = x.apps;
      if (auto st = persistence::device_store::put(txn, fresh); !st)
        return persistence::to_error(st);
      ++*added;
    }
    return caf::none;
  };
}

caf::result<atom::ok> enroll(self_ptr self, std::vector<device_record> xs) {
  auto& st = self->state;
  auto records = checked(std::move(xs));
  if (!records) {
    log::warn("device.enroll_refused",
              {{"reason", error_detail(records.error())}});
    return std::move(records.error());
  }
  auto total = records->size();
  auto added = std::make_shared<size_t>(0);
  auto rp = self->make_response_promise<atom::ok>();
  persistence::request_write(self, st.ctx->store,
                             enroll_batch(std::move(*records), added))
    .then(
      [rp, added, total](atom::ok) mutable {
        log::info("device.enrolled",
                  {{"new", *added}, {"unchanged", total - *added}});
        rp.deliver(atom::ok_v);
      },
      [rp](caf::error& err) mutable {
        log::warn("device.enroll_refused", {{"reason", error_detail(err)}});
        rp.deliver(std::move(err));
      });
  return rp;
}

caf::result<std::vector<device_record>>
records(self_ptr self, const std::vector<device_id>& ids) {
  if (auto err = device_changes::refuse_held(self, ids))
    return err;
  auto txn = self->state.ctx->env->begin_read();
  if (!txn)
    return persistence::to_error(txn.error());
  std::vector<device_record> result;
  for (auto& id : ids) {
    auto found = persistence::device_store::get(txn, id);
    if (!found)
      return persistence::to_error(found.error());
    if (*found)
      result.push_back(std::move((*found)->registration));
  }
  return result;
}

caf::result<std::vector<device_record>> list(self_ptr self) {
  auto txn = self->state.ctx->env->begin_read();
  if (!txn)
    return persistence::to_error(txn.error());
  std::vector<device_record> result;
  auto walked = persistence::device_store::for_each(
    txn, [&](const device_state& x) { result.push_back(x.registration); });
  if (!walked)
    return persistence::to_error(walked.error());
  return result;
}

void on_down(self_ptr self, caf::down_msg& msg) {
  auto& st = self->state;
  auto stopped = st.workers.down(msg, self->clock().now());
  if (!stopped)
    return;
  auto& id = stopped->key;
  if (stopped->respawn) {
    log::warn("device.respawned",
              {{"device", id.str()}, {"reason", error_detail(msg.reason)}});
    spawn_worker(self, id);
  } else if (msg.reason) {
    // Left down until its next message spawns it again.
    log::error("device.restart_limit",
               {{"device", id.str()}, {"reason", error_detail(msg.reason)}});
  } else {
    log::debug("device.stopped", {{"device", id.str()}});
  }
}

} // namespace

device_supervisor_actor::behavior_type device_supervisor_behavior(
  device_supervisor_actor::stateful_pointer<device_supervisor_state> self,
  receiver_context ctx, driver_factory make_driver) {
  auto& st = self->state;
  st.ctx = std::make_shared<const receiver_context>(std::move(ctx));
  st.make_driver = std::move(make_driver);
  st.workers.configure(st.ctx->options);
  self->set_down_handler([self](caf::down_msg& msg) { on_down(self, msg); });
  return {
    [self](atom::apply, instruction& x) -> caf::result<instruction_ack> {
      if (x.stream.to.kind != target_kind::device)
        return refusal(error_code::invalid_input,
                       "not a device stream: " + x.stream.to_string());
      auto worker = route(self, device_id{x.stream.to.name});
      if (!worker)
        return std::move(worker.error());
      return self->delegate(*worker, atom::apply_v, std::move(x));
    },
    [self](atom::apply, std::vector<instruction>& steps, uint64_t first_token,
           step_sink_actor& sink) {
      collect_batch(self->system(), caf::actor_cast<caf::actor>(self),
                    std::move(steps), first_token, std::move(sink),
                    self->state.ctx->options.batch_patience);
    },
    [self](atom::get, device_id& id) -> caf::result<device_view> {
      auto worker = route(self, id);
      if (!worker)
        return std::move(worker.error());
      return self->delegate(*worker, atom::get_v, std::move(id));
    },
    [self](atom::online, device_id& id, bool online) -> caf::result<atom::ok> {
      auto worker = route(self, id);
      if (!worker)
        return std::move(worker.error());
      return self->delegate(*worker, atom::online_v, std::move(id), online);
    },
    [self](atom::enroll, std::vector<device_record>& xs) {
      return enroll(self, std::move(xs));
    },
    [self](atom::records, const std::vector<device_id>& ids) {
      return records(self, ids);
    },
    [self](atom::list) { return list(self); },
    [self](atom::hold, const device_id& id, uint64_t token) {
      return device_changes::hold(self, id, token);
    },
    [self](atom::release, const device_id& id, uint64_t token) {
      device_changes::release(self, id, token);
    },
    [self](atom::update, const device_id& id, uint64_t token,
           device_record& after) {
      return device_changes::update(self, id, token, std::move(after));
    },
    [self](atom::remove, const device_id& id, uint64_t token) {
      return device_changes::decommission(self, id, token);
    },
  };
}

device_supervisor_actor
spawn_device_supervisor(caf::actor_system& sys, persistence::store_actor store,
                        persistence::environment& env,
                        driver_factory make_driver, receiver_options options) {
  return sys.spawn(device_supervisor_behavior,
                   receiver_context{std::move(store), &env, options},
                   std::move(make_driver));
}

} // namespace onset::actors
