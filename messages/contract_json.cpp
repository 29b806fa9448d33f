#include "messages/contract_json.hpp"

#include <limits>

#include "messages/id_rules.hpp"
#include "messages/json_input.hpp"

namespace onset {
inline namespace messages {

using json = nlohmann::json;
using namespace json_input;

namespace {

const char* expected_json_type(value_kind kind) {
  switch (kind) {
    case value_kind::flag:
      return "a boolean";
    case value_kind::number:
      return "a whole number";
    case value_kind::word:
      return "a string";
    case value_kind::words:
      return "an array of strings";
  }
  return "a value";
}

bool has_json_type_of(const json& x, value_kind kind) {
  switch (kind) {
    case value_kind::flag:
      return x.is_boolean();
    case value_kind::number:
      return x.is_number_integer() || x.is_number_unsigned();
    case value_kind::word:
      return x.is_string();
    case value_kind::words:
      return x.is_array();
  }
  return false;
}

outcome<utc_time> required_time(const json& obj, const std::string& parent,
                                const char* key) {
  auto text = required_string(obj, parent, key);
  if (!text)
    return text.error();
  utc_time::parse_problem problem;
  auto t = utc_time::parse_rfc3339(text.value(), &problem);
  if (!t)
    return invalid_input{path(parent, key),
                         "'" + text.value() + "' " + problem.reason};
  return *t;
}

outcome<settings> read_choices(const json& x, const service_spec& spec,
                               const std::string& field) {
  if (!x.is_object())
    return invalid_input{field, "must be a JSON object of setting values, "
                                "not "
                                  + type_name(x)};
  settings result;
  for (auto& [name, raw] : x.items()) {
    auto setting_field = path(field, name);
    auto* setting = spec.find_setting(name);
    if (setting == nullptr) {
      if (!spec.has_server_settings())
        return invalid_input{setting_field, "unknown setting: service "
                                              + spec.id.str()
                                              + " has no server-side settings"};
      std::string names;
      for (auto& s : spec.server_settings)
        names += (names.empty() ? "" : "|") + s.name;
      return invalid_input{setting_field,
                           "unknown setting (known: " + names + ")"};
    }
    if (!has_json_type_of(raw, setting->kind))
      return invalid_input{setting_field, std::string{"must be "}
                                            + expected_json_type(setting->kind)
                                            + ", not " + type_name(raw)};
    auto value = to_setting_value(raw, setting_field);
    if (!value)
      return value.error();
    if (auto problem = setting->check(value.value()))
      return invalid_input{setting_field, problem->reason};
    result.emplace(name, std::move(value).value());
  }
  return result;
}

outcome<service_choices> read_services(const json& obj, const catalog& cat,
                                       const std::string& parent) {
  auto field = path(parent, "services");
  auto i = obj.find("services");
  if (i == obj.end())
    return invalid_input{field, "is missing"};
  if (!i->is_object())
    return invalid_input{field, "must be a JSON object keyed by service, not "
                                  + type_name(*i)};
  if (i->empty())
    return invalid_input{field, "must name at least one service"};
  service_choices result;
  for (auto& [name, raw] : i->items()) {
    auto* spec = cat.find(service_id{name});
    if (spec == nullptr)
      return invalid_input{path(field, name), "unknown service (known: "
                                                + cat.service_names() + ")"};
    auto choices = read_choices(raw, *spec, path(field, name));
    if (!choices)
      return choices.error();
    result.emplace(spec->id, std::move(choices).value());
  }
  return result;
}

} // namespace

outcome<contract> contract_from_json(const json& x, const catalog& cat,
                                     const std::string& field) {
  if (auto problem = check_object(x, field,
                                  {"id", "version", "customer", "start", "end",
                                   "devices", "services", "event_id"}))
    return *problem;
  contract result;
  auto id = required_id(x, field, "id");
  if (!id)
    return id.error();
  result.id = contract_id{id.value()};
  auto version = required_integer(x, field, "version", 1,
                                  std::numeric_limits<int64_t>::max());
  if (!version)
    return version.error();
  result.version = static_cast<uint64_t>(version.value());
  auto customer = required_id(x, field, "customer");
  if (!customer)
    return customer.error();
  result.customer = customer_id{customer.value()};
  auto start = required_time(x, field, "start");
  if (!start)
    return start.error();
  result.start = start.value();
  auto end = required_time(x, field, "end");
  if (!end)
    return end.error();
  result.end = end.value();
  if (!(result.start < result.end))
    return invalid_input{path(field, "end"), "must be after start ("
                                               + result.start.to_rfc3339()
                                               + ")"};
  auto devices = string_array(x, field, "devices", true, false);
  if (!devices)
    return devices.error();
  for (size_t n = 0; n < devices.value().size(); ++n) {
    auto& d = devices.value()[n];
    if (auto problem = check_id(d, path(path(field, "devices"), n)))
      return *problem;
    result.devices.emplace_back(d);
  }
  auto services = read_services(x, cat, field);
  if (!services)
    return services.error();
  result.services = std::move(services).value();
  auto event = optional_id(x, field, "event_id");
  if (!event)
    return event.error();
  result.event_id = event.value();
  return result;
}

outcome<contract> parse_contract(std::string_view text, const catalog& cat) {
  auto doc = parse_document(text);
  if (!doc)
    return doc.error();
  return contract_from_json(doc.value(), cat);
}

outcome<std::vector<contract>> parse_contracts(std::string_view text,
                                               const catalog& cat) {
  auto doc = parse_document(text);
  if (!doc)
    return doc.error();
  std::vector<contract> result;
  if (!doc.value().is_array()) {
    auto one = contract_from_json(doc.value(), cat);
    if (!one)
      return one.error();
    result.push_back(std::move(one).value());
    return result;
  }
  if (doc.value().empty())
    return invalid_input{"document", "the array holds no contract"};
  for (size_t n = 0; n < doc.value().size(); ++n) {
    auto one = contract_from_json(doc.value()[n], cat, path("", n));
    if (!one)
      return one.error();
    for (auto& earlier : result)
      if (earlier.id == one.value().id
          && earlier.version == one.value().version)
        return invalid_input{path(path("", n), "id"),
                             "contract " + earlier.id.str() + " version "
                               + std::to_string(earlier.version)
                               + " appears twice"};
    result.push_back(std::move(one).value());
  }
  return result;
}

std::optional<invalid_input> check_contract(const contract& x,
                                            const catalog& cat) {
  auto checked = contract_from_json(to_json(x), cat);
  if (!checked)
    return checked.error();
  return std::nullopt;
}

json to_json(const setting_value& x) {
  switch (x.kind) {
    case value_kind::flag:
      return x.flag;
    case value_kind::number:
      return x.number;
    case value_kind::word:
      return x.word;
    case value_kind::words:
      return x.words;
  }
  return nullptr;
}

json to_json(const settings& xs) {
  auto result = json::object();
  for (auto& [name, value] : xs)
    result[name] = to_json(value);
  return result;
}

json to_json(const instruction& x) {
  auto result = json{{"target", x.stream.to.to_string()},
                     {"stream", x.stream.to_string()},
                     {"kind", to_string(x.kind)},
                     {"seq", x.seq},
                     {"device", x.device.str()},
                     {"contract_version", x.contract_version}};
  if (!x.firmware.parts.empty())
    result["firmware"] = x.firmware.to_string();
  if (!x.apps.empty())
    result["apps"] = x.apps;
  if (!x.values.empty())
    result["settings"] = to_json(x.values);
  return result;
}

json to_json(const contract& x) {
  json result;
  result["id"] = x.id.str();
  result["version"] = x.version;
  result["customer"] = x.customer.str();
  result["start"] = x.start.to_rfc3339();
  result["end"] = x.end.to_rfc3339();
  auto devices = json::array();
  for (auto& d : x.devices)
    devices.push_back(d.str());
  result["devices"] = devices;
  auto services = json::object();
  for (auto& [sid, choices] : x.services)
    services[sid.str()] = to_json(choices);
  result["services"] = services;
  if (!x.event_id.empty())
    result["event_id"] = x.event_id;
  return result;
}

} // namespace messages
} // namespace onset
