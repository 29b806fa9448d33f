#include "actors/contract_views.hpp"

#include <algorithm>
#include <optional>

#include "actors/contract_storage.hpp"
#include "actors/plan.hpp"
#include "config/catalog_loader.hpp"
#include "messages/error_code.hpp"
#include "persistence/feed_store.hpp"

namespace onset::actors::contract_views {

namespace {

persistence::failure unknown(const contract_id& id) {
  return persistence::make_failure(error_code::unknown_contract,
                                   "contract " + id.str() + " is not known");
}

/// What is pending is not in the ledger yet, so the plan counts it again.
/// Without a desired state (a service gone from the catalog) nothing more
/// is planned.
std::vector<instruction> still_to_send(const contract_record& rec,
                                       const catalog& cat) {
  auto want = desired_for(rec, cat);
  if (!want)
    return {};
  return remaining_steps(rec.doc.id, rec.doc.version, want.value(), rec.ledger);
}

contract_summary summarize(const stored_contract& x,
                           const std::vector<instruction>& remaining) {
  auto& rec = x.record;
  contract_summary result;
  result.id = rec.doc.id;
  result.version = rec.doc.version;
  result.customer = rec.doc.customer;
  result.state = rec.state;
  result.reason = rec.reason;
  if (result.reason.empty() && !rec.degraded_devices.empty())
    result.reason = degraded_devices_reason(rec.degraded_devices);
  for (auto& s : x.streams)
    result.steps_acked += s.acked;
  result.steps_total = result.steps_acked + remaining.size();
  return result;
}

/// Per printer: steps acked (from the outbox, which keeps them), and those
/// acked plus those still to send.
std::vector<device_progress>
progress_per_device(const stored_contract& x,
                    const std::vector<instruction>& remaining) {
  std::map<device_id, device_progress> by_device;
  auto entry = [&](const device_id& id) -> device_progress& {
    auto& result = by_device[id];
    result.device = id;
    return result;
  };
  for (auto& id : x.record.doc.devices)
    entry(id);
  for (auto& s : x.streams)
    for (auto& step : s.done) {
      auto& p = entry(step.device);
      ++p.steps_acked;
      ++p.steps_total;
    }
  for (auto& step : remaining)
    ++entry(step.device).steps_total;
  for (auto& [id, why] : x.record.degraded_devices)
    entry(id).degraded = why;
  std::vector<device_progress> result;
  for (auto& [_, p] : by_device)
    result.push_back(std::move(p));
  return result;
}

} // namespace

std::string
degraded_devices_reason(const std::map<device_id, std::string>& xs) {
  constexpr size_t named_at_most = 5;
  auto result = std::to_string(xs.size())
                + (xs.size() == 1 ? " printer" : " printers") + " degraded: ";
  size_t named = 0;
  for (auto& [device, why] : xs) {
    if (named == named_at_most) {
      result += "; and " + std::to_string(xs.size() - named) + " more";
      break;
    }
    result += (named == 0 ? "" : "; ") + device.str() + " (" + why + ")";
    ++named;
  }
  return result;
}

namespace {

contract_summary summarize(const stored_contract& x, const catalog& cat) {
  return summarize(x, still_to_send(x.record, cat));
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
  auto remaining = still_to_send(x.record, cat);
  contract_view result;
  result.summary = summarize(x, remaining);
  result.devices = progress_per_device(x, remaining);
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

namespace {

bool names(const stored_contract& x, const device_id& device) {
  auto& listed = x.record.doc.devices;
  if (std::find(listed.begin(), listed.end(), device) != listed.end())
    return true;
  for (auto& s : x.streams)
    for (auto& step : s.pending)
      if (step.device == device)
        return true;
  return false;
}

} // namespace

persistence::result<std::vector<contract_summary>>
naming(persistence::environment& env, const catalog& cat,
       const device_id& device, bool running_only) {
  auto records = contract_storage::load_records(env);
  if (!records)
    return records.error();
  std::vector<contract_summary> result;
  for (auto& rec : records.value()) {
    if (running_only && is_terminal(rec.state))
      continue;
    auto stored = contract_storage::load(env, rec.doc.id);
    if (!stored)
      return stored.error();
    if (stored.value() && names(*stored.value(), device))
      result.push_back(summarize(*stored.value(), cat));
  }
  return result;
}

persistence::result<event_page> feed(persistence::environment& env,
                                     uint64_t after, uint64_t limit) {
  auto txn = env.begin_read();
  if (!txn)
    return txn.error();
  event_page page;
  auto end = persistence::feed_store::last(txn);
  if (!end)
    return end.error();
  page.end = *end;
  auto events = persistence::feed_store::after(
    txn, after,
    static_cast<size_t>(std::clamp<uint64_t>(limit, 1, max_feed_page)));
  if (!events)
    return events.error();
  page.events = std::move(*events);
  page.next = page.events.empty() ? after : page.events.back().position;
  return page;
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

persistence::result<std::vector<instruction>>
plan_against(persistence::environment& env, const contract_id& id,
             std::string_view catalog_text) {
  auto refused = [](const std::string& why) {
    return persistence::make_failure(error_code::invalid_input,
                                     "catalog: " + why);
  };
  std::optional<catalog> cat;
  // The text comes from a client: whatever it holds, the caller lives on.
  try {
    auto parsed = config::parse_catalog(catalog_text);
    if (!parsed)
      return refused(parsed.error().to_string());
    cat = parsed.value();
  } catch (const std::exception& e) {
    return refused(std::string{"cannot be read: "} + e.what());
  }
  return plan(env, id, *cat);
}

} // namespace onset::actors::contract_views
