// What operators read of contracts, computed from the stores: the status
// table, one contract with its steps, its history, and the plan it would
// send now. No CAF.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "messages/catalog.hpp"
#include "messages/contract_event.hpp"
#include "messages/history_entry.hpp"
#include "messages/views.hpp"
#include "persistence/environment.hpp"

namespace onset::actors::contract_views {

/// `2 printers degraded: MFP-1 (why); MFP-2 (why)`, naming at most five.
std::string degraded_devices_reason(const std::map<device_id, std::string>& xs);

/// Errors: `unknown_contract`, or the store's.
persistence::result<contract_view>
view(persistence::environment& env, const contract_id& id, const catalog& cat);

/// Every contract, in id order.
persistence::result<std::vector<contract_summary>>
summaries(persistence::environment& env, const catalog& cat);

/// Every contract that names printer `device` (its document lists it, or
/// steps about it are still to be acknowledged), in id order; with
/// `running_only`, only those not `ended`.
persistence::result<std::vector<contract_summary>>
naming(persistence::environment& env, const catalog& cat,
       const device_id& device, bool running_only);

/// The most events a feed read answers per node.
constexpr uint64_t max_feed_page = 1000;

/// At most `limit` (at most `max_feed_page`) events of the node's feed
/// after position `after`.
persistence::result<event_page> feed(persistence::environment& env,
                                     uint64_t after, uint64_t limit);

persistence::result<std::vector<history_entry>>
history(persistence::environment& env, const contract_id& id);

/// The steps that would be sent now against the applied ledger (dry run).
/// With a catalog other than the node's: the steps a restart with `cat`
/// would send (a changed catalog reaches active contracts at start).
/// Errors: `unknown_contract`, `unknown_service` (the contract names a
/// service `cat` lacks: a restart would degrade it), or the store's.
persistence::result<std::vector<instruction>>
plan(persistence::environment& env, const contract_id& id, const catalog& cat);

/// `plan` against the catalog in `catalog_text` (JSON, docs/catalog.md),
/// which a client sent: checked by the node's own catalog loader first.
/// Errors: `invalid_input` naming `catalog: FIELD`, else as `plan`.
persistence::result<std::vector<instruction>>
plan_against(persistence::environment& env, const contract_id& id,
             std::string_view catalog_text);

} // namespace onset::actors::contract_views
