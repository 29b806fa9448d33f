#include "actors/gateway.hpp"

#include <map>

#include <caf/event_based_actor.hpp>
#include <caf/make_message.hpp>

#include "actors/gateway_changes.hpp"
#include "messages/contract_json.hpp"
#include "messages/desired_state.hpp"
#include "messages/device_json.hpp"
#include "messages/error_code.hpp"
#include "messages/id_rules.hpp"
#include "messages/log.hpp"

namespace onset::actors {

namespace {

using self_ptr = gateway_actor::stateful_pointer<gateway_state>;
using submit_promise = caf::typed_response_promise<std::vector<submit_result>>;

/// `[i].` before a field of the i-th document of several.
std::string where(size_t index, size_t count) {
  return count > 1 ? "[" + std::to_string(index) + "]." : std::string{};
}

caf::error check_records(const std::vector<device_record>& records) {
  if (records.empty())
    return refusal(error_code::invalid_input, "document: no device record");
  for (size_t i = 0; i < records.size(); ++i) {
    if (auto problem = check_device_record(records[i],
                                           "[" + std::to_string(i) + "]"))
      return refusal(error_code::invalid_input, problem->to_string());
  }
  return caf::none;
}

/// Refuses an id that could not be stored (messages/id_rules.hpp).
caf::error check_id_of(const std::string& id, const char* field) {
  if (auto problem = check_id(id, field))
    return refusal(error_code::invalid_input, problem->to_string());
  return caf::none;
}

/// Refuses a requester name that is not a name (messages/id_rules.hpp); an
/// empty one is a caller without a token, inside the cluster.
caf::error check_requester(const requester& by) {
  if (by.name.empty())
    return caf::none;
  if (auto problem = check_name(by.name, "requester"))
    return refusal(error_code::invalid_input, problem->to_string());
  return caf::none;
}

/// Refuses a start, cancel or retry whose contract id or requester could
/// not be stored.
caf::error check_change(const contract_id& id, const requester& by) {
  if (auto err = check_id_of(id.str(), "id"))
    return err;
  return check_requester(by);
}

/// Refuses a printer change whose printer id or requester could not be
/// stored.
caf::error check_change_of(const device_record& before, const requester& by) {
  if (auto err = check_id_of(before.id.str(), "id"))
    return err;
  return check_requester(by);
}

/// Submits `docs[next..]` one after the other; each reply comes once the
/// supervisor has recorded that document durably.
void submit_from(self_ptr self, std::shared_ptr<std::vector<contract>> docs,
                 size_t next, requester by, std::vector<submit_result> done,
                 submit_promise rp) {
  if (next == docs->size()) {
    rp.deliver(std::move(done));
    return;
  }
  auto& st = self->state;
  self
    ->request(st.routes.contracts, st.timeout, atom::submit_v, (*docs)[next],
              by)
    .then(
      [self, docs, next, by, done, rp](submit_result& result) mutable {
        done.push_back(std::move(result));
        submit_from(self, docs, next + 1, std::move(by), std::move(done), rp);
      },
      [self, docs, next, rp](caf::error& err) mutable {
        if (docs->size() > 1) {
          auto text = "[" + std::to_string(next) + "] "
                      + self->system().render(err);
          if (next > 0)
            text += " (documents before it were accepted)";
          // The same code and category; the context names the document.
          rp.deliver(caf::error{err.code(), err.category(),
                                caf::make_message(std::move(text))});
        } else {
          rp.deliver(err);
        }
      });
}

/// Checks rules and tenancy of every document, then submits them in order.
caf::result<std::vector<submit_result>>
submit(self_ptr self, std::vector<contract> docs, requester by) {
  auto& st = self->state;
  if (auto err = check_requester(by))
    return err;
  if (docs.empty())
    return refusal(error_code::invalid_input, "document: no contract");
  std::vector<device_id> devices;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (auto problem = check_contract(docs[i], *st.cat))
      return refusal(error_code::invalid_input,
                     where(i, docs.size()) + problem->to_string());
    devices.insert(devices.end(), docs[i].devices.begin(),
                   docs[i].devices.end());
  }
  log::info("gateway.submit", {{"contracts", docs.size()}, {"by", by.name}});
  auto rp = self->make_response_promise<std::vector<submit_result>>();
  auto shared = std::make_shared<std::vector<contract>>(std::move(docs));
  self->request(st.routes.devices, st.timeout, atom::records_v, devices)
    .then(
      [self, shared, by, rp](std::vector<device_record>& records) mutable {
        auto lookup = lookup_in(records);
        for (size_t i = 0; i < shared->size(); ++i) {
          auto want = compute_desired_state((*shared)[i], *self->state.cat,
                                            lookup);
          if (!want) {
            rp.deliver(
              refusal(refusal_code(want.error(), (*shared)[i], lookup),
                      where(i, shared->size()) + want.error().to_string()));
            return;
          }
        }
        submit_from(self, shared, 0, std::move(by), {}, rp);
      },
      [rp](caf::error& err) mutable { rp.deliver(err); });
  return rp;
}

/// Forwards a request to the CONTRACT SUPERVISOR (or its ROUTER), which
/// answers the requester.
template <class... Ts>
auto to_contracts(self_ptr self, Ts&&... xs) {
  return self->delegate(self->state.routes.contracts, std::forward<Ts>(xs)...);
}

template <class... Ts>
auto to_devices(self_ptr self, Ts&&... xs) {
  return self->delegate(self->state.routes.devices, std::forward<Ts>(xs)...);
}

/// `onset plan ID --catalog FILE`: a catalog text too large is refused
/// here, before it crosses the cluster; the contract's node checks the
/// rest with its catalog loader.
caf::result<std::vector<instruction>>
plan_against(self_ptr self, contract_id& id, std::string& catalog_text) {
  if (auto err = check_id_of(id.str(), "id"))
    return err;
  if (catalog_text.size() > max_catalog_text)
    return refusal(error_code::invalid_input,
                   "catalog: is " + std::to_string(catalog_text.size())
                     + " bytes long (at most "
                     + std::to_string(max_catalog_text) + ")");
  return to_contracts(self, atom::plan_v, std::move(id),
                      std::move(catalog_text));
}

caf::result<atom::ok> enroll(self_ptr self, std::vector<device_record>& xs) {
  if (auto err = check_records(xs))
    return err;
  log::info("gateway.enroll", {{"devices", xs.size()}});
  return to_devices(self, atom::enroll_v, std::move(xs));
}

caf::result<std::vector<node_status>> list_nodes(self_ptr self) {
  if (!self->state.routes.nodes)
    return refusal(error_code::wrong_state, "no cluster view");
  return self->delegate(self->state.routes.nodes, atom::list_v, atom::nodes_v);
}

} // namespace

gateway_actor::behavior_type
gateway_behavior(gateway_actor::stateful_pointer<gateway_state> self,
                 gateway_routes routes, std::shared_ptr<const catalog> cat,
                 engine_config::duration timeout) {
  auto& st = self->state;
  st.routes = std::move(routes);
  st.cat = std::move(cat);
  st.timeout = timeout;
  log::info("gateway.up");
  return {
    [self](atom::enroll, std::vector<device_record>& xs) {
      return enroll(self, xs);
    },
    [self](atom::list, atom::devices) {
      return to_devices(self, atom::list_v);
    },
    [self](atom::get, device_id& id) {
      return to_devices(self, atom::get_v, std::move(id));
    },
    [self](atom::online, device_id& id, bool online) {
      log::info("gateway.online", {{"device", id.str()}, {"online", online}});
      return to_devices(self, atom::online_v, std::move(id), online);
    },
    [self](atom::update, device_record& before, device_record& after,
           requester& by) -> caf::result<atom::ok> {
      if (auto err = check_change_of(before, by))
        return err;
      return gateway_changes::change_printer(self, std::move(before),
                                             std::move(after), by);
    },
    [self](atom::remove, device_record& before,
           requester& by) -> caf::result<atom::ok> {
      if (auto err = check_change_of(before, by))
        return err;
      return gateway_changes::change_printer(self, std::move(before),
                                             std::nullopt, by);
    },
    [self](atom::submit, std::vector<contract>& docs, requester& by) {
      return submit(self, std::move(docs), std::move(by));
    },
    [self](atom::start, contract_id& id, std::string& event_id,
           requester& by) -> caf::result<atom::ok> {
      if (auto err = check_change(id, by))
        return err;
      if (!event_id.empty())
        if (auto err = check_id_of(event_id, "event_id"))
          return err;
      log::info("gateway.start",
                {{"contract", id.str()}, {"event", event_id}, {"by", by.name}});
      return to_contracts(self, atom::start_v, std::move(id),
                          std::move(event_id), std::move(by));
    },
    [self](atom::cancel, contract_id& id,
           requester& by) -> caf::result<atom::ok> {
      if (auto err = check_change(id, by))
        return err;
      log::info("gateway.cancel", {{"contract", id.str()}, {"by", by.name}});
      return to_contracts(self, atom::cancel_v, std::move(id), std::move(by));
    },
    [self](atom::retry, contract_id& id,
           requester& by) -> caf::result<atom::ok> {
      if (auto err = check_change(id, by))
        return err;
      log::info("gateway.retry", {{"contract", id.str()}, {"by", by.name}});
      return to_contracts(self, atom::retry_v, std::move(id), std::move(by));
    },
    [self](atom::get, contract_id& id) {
      return to_contracts(self, atom::get_v, std::move(id));
    },
    [self](atom::list, atom::contracts) {
      return to_contracts(self, atom::list_v);
    },
    [self](atom::list, atom::contracts, device_id& device) {
      return to_contracts(self, atom::list_v, std::move(device));
    },
    [self](atom::history, contract_id& id) {
      return to_contracts(self, atom::history_v, std::move(id));
    },
    [self](atom::feed, std::vector<event_page>& cursor, uint64_t limit) {
      return to_contracts(self, atom::feed_v, std::move(cursor), limit);
    },
    [self](atom::plan, contract_id& id) {
      return to_contracts(self, atom::plan_v, std::move(id));
    },
    [self](atom::plan, contract_id& id, std::string& catalog_text) {
      return plan_against(self, id, catalog_text);
    },
    [self](atom::get, service_id& service, device_id& device) {
      return self->delegate(self->state.routes.services, atom::get_v,
                            std::move(service), std::move(device));
    },
    [self](atom::list, atom::nodes) { return list_nodes(self); },
  };
}

} // namespace onset::actors
