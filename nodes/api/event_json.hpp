// An event of the feed as docs/events.md shows it, and the feed's cursor as
// text: what `GET /v1/events` answers and what a webhook POSTs, written in
// one place so that both say the same.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "messages/contract_event.hpp"

namespace onset::api {

/// The event `x` of contracts node `node` (docs/events.md).
nlohmann::json event_json(const contract_event& x, const std::string& node);

/// Parses `NODE:POSITION,...` (a node alone has no name: `:POSITION`; an
/// empty text is the feed's beginning); nullopt if malformed.
std::optional<std::vector<event_page>> parse_cursor(const std::string& text);

/// The text `parse_cursor` reads back.
std::string cursor_text(const std::vector<event_page>& pages);

} // namespace onset::api
