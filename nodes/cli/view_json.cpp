#include "nodes/cli/view_json.hpp"

#include <nlohmann/json.hpp>

#include "messages/contract_json.hpp"
#include "messages/device_json.hpp"

namespace onset::cli {

using json = nlohmann::json;

namespace {

template <class T>
json array_of(const std::vector<T>& xs) {
  auto result = json::array();
  for (auto& x : xs)
    result.push_back(to_json(x));
  return result;
}

} // namespace

json to_json(const stream_watermark& x) {
  return json{{"stream", x.stream.to_string()},
              {"contract", x.stream.contract.str()},
              {"target", x.stream.to.to_string()},
              {"seq", x.seq}};
}

json to_json(const device_view& x) {
  auto& reg = x.state.registration;
  return json{{"id", reg.id.str()},
              {"customer", reg.customer.str()},
              {"model", reg.model},
              {"registered_firmware", reg.firmware.to_string()},
              {"firmware", x.state.firmware.to_string()},
              {"apps", x.state.apps},
              {"settings", onset::to_json(x.state.values)},
              {"online", x.state.online},
              {"applied", array_of(x.applied)}};
}

json to_json(const service_view& x) {
  return json{{"service", x.service.str()},
              {"device", x.device.str()},
              {"registered", x.state.registered},
              {"active", x.state.active},
              {"settings", onset::to_json(x.state.values)},
              {"applied", array_of(x.applied)}};
}

json to_json(const contract_summary& x) {
  return json{{"id", x.id.str()},
              {"version", x.version},
              {"customer", x.customer.str()},
              {"state", onset::to_string(x.state)},
              {"reason", x.reason},
              {"steps_acked", x.steps_acked},
              {"steps_total", x.steps_total}};
}

json to_json(const step_view& x) {
  auto result = to_json(x.step);
  result["state"] = x.acked ? "acked" : "sent";
  return result;
}

json to_json(const device_progress& x) {
  auto result = json{{"device", x.device.str()},
                     {"steps_acked", x.steps_acked},
                     {"steps_total", x.steps_total}};
  if (!x.degraded.empty())
    result["degraded"] = x.degraded;
  return result;
}

json to_json(const contract_view& x) {
  auto result = to_json(x.summary);
  result["contract"] = onset::to_json(x.doc);
  result["devices"] = array_of(x.devices);
  result["steps"] = array_of(x.steps);
  return result;
}

json to_json(const history_entry& x) {
  return json{{"at", x.at.to_rfc3339()},
              {"kind", onset::to_string(x.kind)},
              {"detail", x.detail}};
}

const char* outcome_name(const submit_result& x) {
  if (x.duplicate)
    return "duplicate";
  return x.renewal ? "renewal" : "accepted";
}

json to_json(const submit_result& x) {
  return json{
    {"id", x.id.str()}, {"version", x.version}, {"result", outcome_name(x)}};
}

json to_json(const node_status& x) {
  return {{"name", x.name},           {"address", x.address},
          {"roles", x.roles},         {"reachable", x.reachable},
          {"contracts", x.contracts}, {"devices", x.devices},
          {"peers", x.peers},         {"peers_up", x.peers_up}};
}

} // namespace onset::cli
