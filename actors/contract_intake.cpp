#include "actors/contract_intake.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/contract_events.hpp"
#include "actors/contract_storage.hpp"
#include "actors/plan.hpp"
#include "messages/contract_json.hpp"
#include "messages/desired_state.hpp"
#include "messages/error_code.hpp"
#include "messages/log.hpp"
#include "persistence/caf_error.hpp"

namespace onset::actors::supervisor_ops {

namespace {

/// Marks the printers of one submission as in flight (the supervisor's
/// `devices_in_flight`) from before their records are read until the
/// submission is written or refused: the last copy of the mark, held by the
/// handlers of that time, unmarks them.
class in_flight_mark {
public:
  in_flight_mark(std::shared_ptr<std::map<device_id, size_t>> counts,
                 std::vector<device_id> ids)
    : counts_(std::move(counts)), ids_(std::move(ids)) {
    for (auto& id : ids_)
      ++(*counts_)[id];
  }

  in_flight_mark(const in_flight_mark&) = delete;
  in_flight_mark& operator=(const in_flight_mark&) = delete;

  ~in_flight_mark() {
    for (auto& id : ids_)
      if (auto i = counts_->find(id); i != counts_->end() && --i->second == 0)
        counts_->erase(i);
  }

private:
  std::shared_ptr<std::map<device_id, size_t>> counts_;
  std::vector<device_id> ids_;
};

using mark_ptr = std::shared_ptr<const in_flight_mark>;

/// Checks the printers of `doc`: registered, and the contract customer's.
caf::error check_tenancy(const contract& doc, const catalog& cat,
                         const std::vector<device_record>& records) {
  auto lookup = lookup_in(records);
  auto want = compute_desired_state(doc, cat, lookup);
  if (want)
    return caf::none;
  return refusal(refusal_code(want.error(), doc, lookup),
                 want.error().to_string());
}

/// The record of a contract renewed after it ended: the new document,
/// scheduled again, with what its printers and services still have.
contract_record after_end(contract_record rec, const contract& doc) {
  rec.doc = doc;
  rec.state = contract_state::scheduled;
  rec.reason.clear();
  rec.started = false;
  rec.ending = false;
  return rec;
}

/// Writes a new contract (or, given `ended`, the renewal of an ended one:
/// a new period over its ledger), then spawns its actor and answers.
void create(supervisor_self self, contract doc, requester by,
            std::vector<device_record> records,
            caf::typed_response_promise<submit_result> rp,
            std::optional<contract_record> ended, mark_ptr mark) {
  auto& st = self->state;
  auto again = ended.has_value();
  auto rec = again ? after_end(std::move(*ended), doc) : contract_record{};
  rec.doc = doc;
  for (auto& r : records)
    if (rec.ledger.devices.count(r.id) == 0)
      rec.ledger.devices.emplace(r.id, initial_ledger(r));
  contract_change change;
  change.by = by;
  change.record = rec;
  change.add_timers = timers_of(doc);
  if (!doc.event_id.empty())
    change.events.push_back(doc.event_id);
  change.history.push_back(
    history_entry{st.ctx->now(), history_kind::accepted,
                  "version=" + std::to_string(doc.version)
                    + (again ? " renewal after the end" : " new") + " devices="
                    + std::to_string(doc.devices.size()) + history_suffix(by)});
  contract_events::announce(change, rec,
                            again ? "contract.renewed" : "contract.accepted",
                            st.ctx->now());
  auto id = doc.id;
  auto result = submit_result{id, doc.version, again, false};
  auto event = doc.event_id;
  persistence::request_write(self, st.ctx->store,
                             contract_storage::batch(id, std::move(change)))
    .then(
      [self, id, result, event, rp, mark](atom::ok) mutable {
        auto& st = self->state;
        st.creating.erase(id);
        st.events_in_flight.erase(event);
        log::info("contract.accepted", {{"contract", id.str()},
                                        {"version", result.version},
                                        {"renewal", result.renewal}});
        spawn_contract(self, id);
        rp.deliver(result);
      },
      [self, id, event, rp, mark](caf::error& err) mutable {
        self->state.creating.erase(id);
        self->state.events_in_flight.erase(event);
        rp.deliver(err);
      });
}

/// Routes a renewal to the contract's actor.
void renew(supervisor_self self, contract doc, requester by,
           std::vector<device_record> records,
           caf::typed_response_promise<submit_result> rp, mark_ptr mark) {
  auto& st = self->state;
  auto target = find_contract(self, doc.id);
  auto event = doc.event_id;
  if (!target) {
    st.events_in_flight.erase(event);
    rp.deliver(target.error());
    return;
  }
  self
    ->request(*target, st.ctx->config.local_timeout, atom::submit_v,
              std::move(doc), std::move(records), std::move(by))
    .then(
      [self, event, rp, mark](submit_result& result) mutable {
        self->state.events_in_flight.erase(event);
        rp.deliver(result);
      },
      [self, event, rp, mark](caf::error& err) mutable {
        self->state.events_in_flight.erase(event);
        rp.deliver(err);
      });
}

/// Why a renewal of the stored `rec` to `doc` is refused; none if it is not.
caf::error check_renewal(const contract_record& rec, const contract& doc) {
  if (doc.version <= rec.doc.version)
    return refusal(error_code::stale_version,
                   "version: contract " + doc.id.str() + " is at version "
                     + std::to_string(rec.doc.version) + "; version "
                     + std::to_string(doc.version) + " is stale");
  if (rec.doc.customer != doc.customer)
    return refusal(error_code::invalid_input,
                   "customer: contract " + doc.id.str()
                     + " belongs to customer " + rec.doc.customer.str());
  return caf::none;
}

/// Forgets a submission that did not get through.
void drop_submission(supervisor_self self, const contract& doc, bool renewal) {
  auto& st = self->state;
  if (!renewal)
    st.creating.erase(doc.id);
  st.events_in_flight.erase(doc.event_id);
}

/// Fetches the registration records of the printers of `doc`, checks
/// tenancy, then creates or renews the contract.
caf::result<submit_result> with_records(supervisor_self self, contract doc,
                                        requester by, bool renewal,
                                        std::optional<contract_record> ended) {
  auto& st = self->state;
  auto rp = self->make_response_promise<submit_result>();
  auto devices = doc.devices;
  auto mark = std::make_shared<const in_flight_mark>(st.devices_in_flight,
                                                     devices);
  self
    ->request(st.registry, st.ctx->config.local_timeout, atom::records_v,
              std::move(devices))
    .then(
      [self, doc, by, renewal, rp, ended,
       mark](std::vector<device_record>& records) mutable {
        auto& st = self->state;
        if (auto err = check_tenancy(doc, *st.ctx->cat, records)) {
          drop_submission(self, doc, renewal);
          rp.deliver(err);
        } else if (renewal) {
          renew(self, std::move(doc), std::move(by), std::move(records), rp,
                std::move(mark));
        } else {
          create(self, std::move(doc), std::move(by), std::move(records), rp,
                 std::move(ended), std::move(mark));
        }
      },
      [self, doc, renewal, rp](caf::error& err) mutable {
        drop_submission(self, doc, renewal);
        rp.deliver(err);
      });
  return rp;
}

} // namespace

caf::result<submit_result> submit(supervisor_self self, contract doc,
                                  requester by) {
  auto& st = self->state;
  if (auto problem = check_contract(doc, *st.ctx->cat))
    return refusal(error_code::invalid_input, problem->to_string());
  if (!doc.event_id.empty()) {
    auto seen = contract_storage::find_event(*st.ctx->env, doc.event_id);
    if (!seen)
      return persistence::to_error(seen.error());
    if (seen.value() || st.events_in_flight.count(doc.event_id) > 0)
      return submit_result{doc.id, doc.version, false, true};
  }
  auto stored = contract_storage::load(*st.ctx->env, doc.id);
  if (!stored)
    return persistence::to_error(stored.error());
  bool renewal = stored.value().has_value();
  std::optional<contract_record> ended;
  if (renewal) {
    if (auto err = check_renewal(stored.value()->record, doc))
      return err;
    // An ended contract has no actor: its renewal is written here, as a
    // new contract is, over its ledger.
    if (stored.value()->record.state == contract_state::ended) {
      ended = std::move(stored.value()->record);
      renewal = false;
    }
  }
  if (!renewal) {
    if (st.creating.count(doc.id) > 0)
      return refusal(error_code::wrong_state,
                     "contract " + doc.id.str()
                       + " is being created by another submission");
    st.creating.insert(doc.id);
  }
  if (!doc.event_id.empty())
    st.events_in_flight.insert(doc.event_id);
  return with_records(self, std::move(doc), std::move(by), renewal,
                      std::move(ended));
}

} // namespace onset::actors::supervisor_ops
