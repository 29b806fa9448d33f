#include "actors/contract_views.hpp"

#include "actors/contract_storage.hpp"
#include "actors/plan.hpp"
#include "messages/error_code.hpp"

namespace onset::actors::contract_views {

namespace {

persistence::failure unknown(const contract_id& id) {
  return persistence::make_failure(error_code::unknown_contract,
                                   "contract " + id.str() + " is not known");
}

contract_summary summarize(const stored_contract& x, const catalog& cat) {
  auto& rec = x.record;
  contract_summary result;
  result.id = rec.doc.id;
  result.version = rec.doc.version;
  result.customer = rec.doc.customer;
  result.state = rec.state;
  result.reason = rec.reason;
  for (auto& s : x.streams)
    result.steps_acked += s.acked;
  // What is pending is not in the ledger yet, so the plan counts it again.
  // Without a desired state (a service gone from the catalog) nothing more
  // is planned.
  auto want = desired_for(rec, cat);
  auto remaining = want ? remaining_steps(rec.doc.id, rec.doc.version,
                                          want.value(), rec.ledger)
                        : std::vector<instruction>{};
  result.steps_total = result.steps_acked + remaining.size();
  return result;
}

} // namespace

persistence::result<contract_view>
view(persistence::environment& env, const contract_id& id, const catalog& cat) {
  auto stored = contract_storage::load(env, id, true);
  if (!stored)
    return stored.error();
  if (!stored.value())
    return unknown(id);
  auto& x = *stored.value();
  contract_view result;
  result.summary = summarize(x, cat);
  result.doc = x.record.doc;
  for (auto& s : x.streams) {
    for (auto& step : s.done)
      result.steps.push_back(step_view{step, true});
    for (auto& step : s.pending)
      result.steps.push_back(step_view{step, false});
  }
  return result;
}

persistence::result<std::vector<contract_summary>>
summaries(persistence::environment& env, const catalog& cat) {
  auto records = contract_storage::load_records(env);
  if (!records)
    return records.error();
  std::vector<contract_summary> result;
  for (auto& rec : records.value()) {
    auto stored = contract_storage::load(env, rec.doc.id);
    if (!stored)
      return stored.error();
    if (stored.value())
      result.push_back(summarize(*stored.value(), cat));
  }
  return result;
}

persistence::result<std::vector<history_entry>>
history(persistence::environment& env, const contract_id& id) {
  auto stored = contract_storage::load(env, id);
  if (!stored)
    return stored.error();
  if (!stored.value())
    return unknown(id);
  return contract_storage::history(env, id);
}

persistence::result<std::vector<instruction>>
plan(persistence::environment& env, const contract_id& id, const catalog& cat) {
  auto stored = contract_storage::load(env, id);
  if (!stored)
    return stored.error();
  if (!stored.value())
    return unknown(id);
  auto& rec = stored.value()->record;
  auto want = desired_for(rec, cat);
  if (!want)
    return persistence::make_failure(error_code::unknown_service,
                                     "contract " + id.str()
                                       + " cannot be planned: "
                                       + want.error().to_string());
  return remaining_steps(rec.doc.id, rec.doc.version, want.value(), rec.ledger);
}

} // namespace onset::actors::contract_views
