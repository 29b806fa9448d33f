#include "actors/gateway_changes.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "messages/device_json.hpp"
#include "messages/error_code.hpp"
#include "messages/log.hpp"

namespace onset::actors::gateway_changes {

namespace {

using ok_promise = caf::typed_response_promise<atom::ok>;

/// One change in progress.
struct printer_change {
  device_record before;
  std::optional<device_record> after;
  requester by;
  uint64_t token = 0;
  ok_promise rp;

  const device_id& id() const {
    return before.id;
  }

  const char* what() const {
    return after ? "update" : "decommission";
  }
};

using change_ptr = std::shared_ptr<printer_change>;

/// Refuses an `after` that is not `before` with another model or customer.
caf::error check_after(const device_record& before,
                       const device_record& after) {
  if (after.id != before.id)
    return refusal(error_code::invalid_input,
                   "id: a change cannot rename printer " + before.id.str());
  if (after.firmware != before.firmware || after.apps != before.apps)
    return refusal(error_code::invalid_input,
                   "printer " + before.id.str()
                     + ": only model and customer can change (firmware and "
                       "apps are what the printer reports)");
  if (auto problem = check_device_record(after, "printer"))
    return refusal(error_code::invalid_input, problem->to_string());
  return caf::none;
}

/// `C-1 (active), C-2 (scheduled)`, naming at most five.
std::string listed(const std::vector<contract_summary>& xs) {
  constexpr size_t named = 5;
  std::string result;
  for (size_t i = 0; i < xs.size() && i < named; ++i) {
    if (i > 0)
      result += ", ";
    result += xs[i].id.str() + " (" + to_string(xs[i].state) + ")";
  }
  if (xs.size() > named)
    result += " and " + std::to_string(xs.size() - named) + " more";
  return result;
}

void finish(const change_ptr& change, caf::error err) {
  if (err) {
    log::warn("gateway.printer_change_refused",
              {{"device", change->id().str()},
               {"change", change->what()},
               {"by", change->by.name},
               {"reason", error_detail(err)}});
    change->rp.deliver(std::move(err));
    return;
  }
  log::info("gateway.printer_changed", {{"device", change->id().str()},
                                        {"change", change->what()},
                                        {"by", change->by.name}});
  change->rp.deliver(atom::ok_v);
}

/// Ends the hold and refuses with `err`.
void give_up(gateway_self self, const change_ptr& change, caf::error err) {
  self->send(self->state.routes.devices, atom::release_v, change->id(),
             change->token);
  finish(change, std::move(err));
}

/// No contract holds the printer: writes the change under the hold.
void write(gateway_self self, const change_ptr& change) {
  auto& st = self->state;
  auto done = [self, change](atom::ok) { finish(change, caf::none); };
  auto failed = [self, change](caf::error& err) {
    // Not released: if the write was lost in transit, the hold lapses.
    finish(change, std::move(err));
  };
  if (change->after)
    self
      ->request(st.routes.devices, st.timeout, atom::update_v, change->id(),
                change->token, *change->after)
      .then(done, failed);
  else
    self
      ->request(st.routes.devices, st.timeout, atom::remove_v, change->id(),
                change->token)
      .then(done, failed);
}

/// The printer is held: asks every contracts node which contracts hold it.
void ask_holders(gateway_self self, const change_ptr& change) {
  auto& st = self->state;
  self->request(st.routes.contracts, st.timeout, atom::holders_v, change->id())
    .then(
      [self, change](std::vector<contract_summary>& holders) {
        if (holders.empty()) {
          write(self, change);
          return;
        }
        give_up(self, change,
                refusal(error_code::wrong_state,
                        "printer " + change->id().str()
                          + " is in contracts that have not ended: "
                          + listed(holders)));
      },
      [self, change](caf::error& err) { give_up(self, change, err); });
}

} // namespace

caf::result<atom::ok> change_printer(gateway_self self, device_record before,
                                     std::optional<device_record> after,
                                     const requester& by) {
  auto& st = self->state;
  if (after)
    if (auto err = check_after(before, *after))
      return err;
  auto change = std::make_shared<printer_change>();
  change->before = std::move(before);
  change->after = std::move(after);
  change->by = by;
  change->token = st.hold_tokens();
  change->rp = self->make_response_promise<atom::ok>();
  auto rp = change->rp;
  self
    ->request(st.routes.devices, st.timeout, atom::hold_v, change->id(),
              change->token)
    .then(
      [self, change](device_record& current) {
        if (current == change->before) {
          ask_holders(self, change);
          return;
        }
        give_up(self, change,
                refusal(error_code::wrong_state,
                        "printer " + change->id().str()
                          + " changed meanwhile; read it again"));
      },
      [self, change](caf::error& err) { finish(change, err); });
  return rp;
}

} // namespace onset::actors::gateway_changes
