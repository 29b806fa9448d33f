#include "actors/device_changes.hpp"

#include <utility>

#include "messages/error_code.hpp"
#include "messages/log.hpp"
#include "persistence/caf_error.hpp"
#include "persistence/device_store.hpp"

namespace onset::actors::device_changes {

namespace {

/// The hold on `id` if it has not lapsed (a lapsed one is forgotten).
change_hold* live_hold(supervisor_self self, const device_id& id) {
  auto& holds = self->state.holds;
  auto i = holds.find(id);
  if (i == holds.end())
    return nullptr;
  if (!i->second.writing && i->second.until <= self->clock().now()) {
    holds.erase(i);
    return nullptr;
  }
  return &i->second;
}

/// Marks the hold on `id` with `token` as writing; else refuses.
caf::error claim(supervisor_self self, const device_id& id, uint64_t token) {
  auto* held = live_hold(self, id);
  if (held == nullptr || held->token != token || held->writing)
    return refusal(error_code::wrong_state,
                   "printer " + id.str()
                     + " is not held for this change (the hold lapsed or was "
                       "released); try again");
  held->writing = true;
  return caf::none;
}

/// Stops the DEVICE actor of `id`, if one runs: the next message for the
/// printer starts one that reads the changed record (its endpoint follows
/// the customer).
void stop_worker(supervisor_self self, const device_id& id) {
  if (auto worker = self->state.workers.retire(id))
    self->send_exit(*worker, caf::exit_reason::user_shutdown);
}

/// Writes `batch`, then ends the hold and stops the printer's DEVICE actor;
/// answers once the change is durable.
caf::result<atom::ok> write_change(supervisor_self self, const device_id& id,
                                   persistence::write_batch batch,
                                   const char* event) {
  auto rp = self->make_response_promise<atom::ok>();
  persistence::request_write(self, self->state.ctx->store, std::move(batch))
    .then(
      [self, id, rp, event](atom::ok) mutable {
        self->state.holds.erase(id);
        stop_worker(self, id);
        log::info(event, {{"device", id.str()}});
        rp.deliver(atom::ok_v);
      },
      [self, id, rp](caf::error& err) mutable {
        self->state.holds.erase(id);
        log::warn("device.change_refused",
                  {{"device", id.str()}, {"reason", error_detail(err)}});
        rp.deliver(std::move(err));
      });
  return rp;
}

persistence::write_batch update_batch(device_record after) {
  return [after = std::move(after)](persistence::write_txn& txn) -> caf::error {
    auto stored = persistence::device_store::get(txn, after.id);
    if (!stored)
      return persistence::to_error(stored.error());
    if (!*stored)
      return refusal(error_code::unknown_device, after.id.str());
    auto changed = std::move(**stored);
    changed.registration = after;
    return persistence::to_error(persistence::device_store::put(txn, changed));
  };
}

persistence::write_batch remove_batch(device_id id) {
  return [id = std::move(id)](persistence::write_txn& txn) -> caf::error {
    auto gone = persistence::device_store::remove(txn, id);
    if (!gone)
      return persistence::to_error(gone.error());
    if (!*gone)
      return refusal(error_code::unknown_device, id.str());
    return caf::none;
  };
}

} // namespace

caf::error refuse_held(supervisor_self self,
                       const std::vector<device_id>& ids) {
  if (self->state.holds.empty())
    return caf::none;
  for (auto& id : ids)
    if (live_hold(self, id) != nullptr)
      return refusal(error_code::wrong_state,
                     "printer " + id.str()
                       + " is being changed (update or decommission); try "
                         "again");
  return caf::none;
}

caf::result<device_record> hold(supervisor_self self, const device_id& id,
                                uint64_t token) {
  auto& st = self->state;
  if (live_hold(self, id) != nullptr)
    return refusal(error_code::wrong_state,
                   "printer " + id.str() + " is held for another change");
  auto found = registered_printer(*st.ctx->env, id);
  if (!found)
    return std::move(found.error());
  st.holds[id] = change_hold{token,
                             self->clock().now() + st.ctx->options.change_hold};
  log::debug("device.held", {{"device", id.str()}});
  return std::move(found->registration);
}

void release(supervisor_self self, const device_id& id, uint64_t token) {
  auto* held = live_hold(self, id);
  if (held != nullptr && held->token == token && !held->writing) {
    self->state.holds.erase(id);
    log::debug("device.released", {{"device", id.str()}});
  }
}

caf::result<atom::ok> update(supervisor_self self, const device_id& id,
                             uint64_t token, device_record after) {
  if (after.id != id)
    return refusal(error_code::invalid_input, "id: the record names printer "
                                                + after.id.str() + ", not "
                                                + id.str());
  if (auto err = claim(self, id, token))
    return err;
  return write_change(self, id, update_batch(std::move(after)),
                      "device.updated");
}

caf::result<atom::ok> decommission(supervisor_self self, const device_id& id,
                                   uint64_t token) {
  if (auto err = claim(self, id, token))
    return err;
  return write_change(self, id, remove_batch(id), "device.decommissioned");
}

} // namespace onset::actors::device_changes
