#include "messages/device_json.hpp"

#include <algorithm>

#include "messages/contract_json.hpp"
#include "messages/json_input.hpp"

namespace onset {
inline namespace messages {

using json = nlohmann::json;
using namespace json_input;

outcome<device_record> device_record_from_json(const json& x,
                                               const std::string& field) {
  if (auto problem
      = check_object(x, field, {"id", "customer", "model", "firmware", "apps"}))
    return *problem;
  device_record result;
  auto id = required_id(x, field, "id");
  if (!id)
    return id.error();
  result.id = device_id{id.value()};
  auto customer = required_id(x, field, "customer");
  if (!customer)
    return customer.error();
  result.customer = customer_id{customer.value()};
  auto model = optional_string(x, field, "model");
  if (!model)
    return model.error();
  result.model = model.value();
  auto firmware = required_string(x, field, "firmware");
  if (!firmware)
    return firmware.error();
  auto version = firmware_version::parse(firmware.value());
  if (!version)
    return invalid_input{path(field, "firmware"),
                         "'" + firmware.value()
                           + "' is not a version such as 3.2.1"};
  result.firmware = *version;
  auto apps = string_array(x, field, "apps", false, true);
  if (!apps)
    return apps.error();
  result.apps = std::move(apps).value();
  std::sort(result.apps.begin(), result.apps.end());
  return result;
}

outcome<std::vector<device_record>>
parse_device_records(std::string_view text) {
  auto doc = parse_document(text);
  if (!doc)
    return doc.error();
  std::vector<device_record> result;
  if (!doc.value().is_array()) {
    auto one = device_record_from_json(doc.value());
    if (!one)
      return one.error();
    result.push_back(std::move(one).value());
    return result;
  }
  if (doc.value().empty())
    return invalid_input{"document", "the array holds no device record"};
  for (size_t n = 0; n < doc.value().size(); ++n) {
    auto one = device_record_from_json(doc.value()[n], path("", n));
    if (!one)
      return one.error();
    for (auto& earlier : result)
      if (earlier.id == one.value().id)
        return invalid_input{path(path("", n), "id"),
                             "device " + earlier.id.str() + " appears twice"};
    result.push_back(std::move(one).value());
  }
  return result;
}

std::optional<invalid_input> check_device_record(const device_record& x,
                                                 const std::string& field) {
  auto checked = device_record_from_json(to_json(x), field);
  if (!checked)
    return checked.error();
  return std::nullopt;
}

json to_json(const device_record& x) {
  json result{{"id", x.id.str()}, {"customer", x.customer.str()}};
  // `model` is optional and never empty in the document form.
  if (!x.model.empty())
    result["model"] = x.model;
  result["firmware"] = x.firmware.to_string();
  result["apps"] = x.apps;
  return result;
}

json to_json(const desired_state& x) {
  auto devices = json::object();
  for (auto& [id, want] : x.devices)
    devices[id.str()] = json{{"min_firmware", want.min_firmware.to_string()},
                             {"firmware", want.firmware.to_string()},
                             {"apps", want.apps},
                             {"settings", to_json(want.values)}};
  auto services = json::object();
  for (auto& [sid, per_device] : x.services) {
    auto entry = json::object();
    for (auto& [dev, values] : per_device)
      entry[dev.str()] = to_json(values);
    services[sid.str()] = entry;
  }
  return json{{"devices", devices}, {"services", services}};
}

} // namespace messages
} // namespace onset
