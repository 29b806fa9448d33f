#include "nodes/api/event_json.hpp"

namespace onset::api {

using json = nlohmann::json;

json event_json(const contract_event& x, const std::string& node) {
  auto devices = json::array();
  for (auto& d : x.devices)
    devices.push_back(d.str());
  json result{{"id", x.id},           {"at", x.at.to_rfc3339()},
              {"type", x.type},       {"contract", x.contract.str()},
              {"version", x.version}, {"customer", x.customer.str()},
              {"reason", x.reason},   {"devices", std::move(devices)},
              {"node", node}};
  result["from"] = x.from.empty() ? json(nullptr) : json(x.from);
  result["to"] = x.to.empty() ? json(nullptr) : json(x.to);
  result["by"] = x.by.empty() ? json(nullptr) : json(x.by);
  return result;
}

std::optional<std::vector<event_page>> parse_cursor(const std::string& text) {
  std::vector<event_page> result;
  size_t begin = 0;
  while (begin < text.size()) {
    auto end = text.find(',', begin);
    if (end == std::string::npos)
      end = text.size();
    auto part = text.substr(begin, end - begin);
    auto colon = part.rfind(':');
    if (colon == std::string::npos || colon + 1 == part.size()
        || part.size() - colon > 21)
      return std::nullopt;
    event_page x;
    x.node = part.substr(0, colon);
    for (size_t i = colon + 1; i < part.size(); ++i) {
      if (part[i] < '0' || part[i] > '9')
        return std::nullopt;
      x.next = x.next * 10 + static_cast<uint64_t>(part[i] - '0');
    }
    result.push_back(std::move(x));
    begin = end + 1;
  }
  return result;
}

std::string cursor_text(const std::vector<event_page>& pages) {
  std::string result;
  for (auto& x : pages) {
    if (!result.empty())
      result += ',';
    result += x.node + ':' + std::to_string(x.next);
  }
  return result;
}

} // namespace onset::api
