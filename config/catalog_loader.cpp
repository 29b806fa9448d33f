#include "config/catalog_loader.hpp"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "config/default_catalog.hpp"
#include "messages/json_input.hpp"

namespace onset::config {

using json = nlohmann::json;
using namespace json_input;

namespace {

outcome<value_kind> read_kind(const json& x, const std::string& field) {
  auto type = required_string(x, field, "type");
  if (!type)
    return type.error();
  auto& t = type.value();
  if (t == "bool")
    return value_kind::flag;
  if (t == "int")
    return value_kind::number;
  if (t == "enum")
    return value_kind::word;
  if (t == "set")
    return value_kind::words;
  return invalid_input{path(field, "type"),
                       "'" + t + "' is not one of bool|int|enum|set"};
}

outcome<setting_spec> read_setting(const std::string& name, const json& x,
                                   const std::string& field) {
  if (auto problem = check_object(
        x, field, {"type", "default", "min", "max", "values", "description"}))
    return *problem;
  setting_spec result;
  result.name = name;
  auto kind = read_kind(x, field);
  if (!kind)
    return kind.error();
  result.kind = kind.value();
  if (result.kind == value_kind::number) {
    constexpr auto lo = std::numeric_limits<int64_t>::min();
    constexpr auto hi = std::numeric_limits<int64_t>::max();
    auto min = required_integer(x, field, "min", lo, hi);
    if (!min)
      return min.error();
    auto max = required_integer(x, field, "max", lo, hi);
    if (!max)
      return max.error();
    if (max.value() < min.value())
      return invalid_input{path(field, "max"), "must not be below min"};
    result.min = min.value();
    result.max = max.value();
  } else if (x.contains("min") || x.contains("max")) {
    return invalid_input{path(field, x.contains("min") ? "min" : "max"),
                         "only an int setting has a range"};
  }
  bool enumerated = result.kind == value_kind::word
                    || result.kind == value_kind::words;
  if (enumerated) {
    auto values = string_array(x, field, "values", true, false);
    if (!values)
      return values.error();
    result.allowed = std::move(values).value();
  } else if (x.contains("values")) {
    return invalid_input{path(field, "values"),
                         "only an enum or set setting has values"};
  }
  auto i = x.find("default");
  if (i == x.end())
    return invalid_input{path(field, "default"), "is missing"};
  auto value = to_setting_value(*i, path(field, "default"));
  if (!value)
    return value.error();
  if (auto problem = result.check(value.value()))
    return invalid_input{path(field, "default"), problem->reason};
  result.default_value = std::move(value).value();
  return result;
}

outcome<firmware_version> read_version(const json& x, const std::string& field,
                                       const char* key) {
  auto text = required_string(x, field, key);
  if (!text)
    return text.error();
  auto version = firmware_version::parse(text.value());
  if (!version)
    return invalid_input{path(field, key), "'" + text.value()
                                             + "' is not a version such as "
                                               "3.2.1"};
  return *version;
}

outcome<device_requirements> read_device(const json& x,
                                         const std::string& field) {
  if (auto problem = check_object(
        x, field, {"min_firmware", "install_firmware", "apps", "settings"}))
    return *problem;
  device_requirements result;
  result.min_firmware.parts = {0};
  result.install_firmware.parts = {0};
  if (x.contains("min_firmware") || x.contains("install_firmware")) {
    auto min = read_version(x, field, "min_firmware");
    if (!min)
      return min.error();
    auto install = read_version(x, field, "install_firmware");
    if (!install)
      return install.error();
    if (install.value() < min.value())
      return invalid_input{path(field, "install_firmware"),
                           "must not be below min_firmware"};
    result.min_firmware = min.value();
    result.install_firmware = install.value();
  }
  auto apps = string_array(x, field, "apps", false, true);
  if (!apps)
    return apps.error();
  result.apps = std::move(apps).value();
  std::sort(result.apps.begin(), result.apps.end());
  auto i = x.find("settings");
  if (i != x.end()) {
    if (!i->is_object())
      return invalid_input{path(field, "settings"),
                           "must be a JSON object, not " + type_name(*i)};
    for (auto& [name, raw] : i->items()) {
      auto value = to_setting_value(raw, path(path(field, "settings"), name));
      if (!value)
        return value.error();
      result.values.emplace(name, std::move(value).value());
    }
  }
  return result;
}

outcome<service_spec> read_service(const std::string& name, const json& x,
                                   const std::string& field) {
  if (auto problem = check_object(x, field,
                                  {"description", "server_settings", "device"}))
    return *problem;
  service_spec result;
  result.id = service_id{name};
  auto description = optional_string(x, field, "description");
  if (!description)
    return description.error();
  result.description = description.value();
  auto i = x.find("server_settings");
  if (i != x.end()) {
    auto settings_field = path(field, "server_settings");
    if (!i->is_object())
      return invalid_input{settings_field,
                           "must be a JSON object, not " + type_name(*i)};
    for (auto& [setting_name, raw] : i->items()) {
      auto spec = read_setting(setting_name, raw,
                               path(settings_field, setting_name));
      if (!spec)
        return spec.error();
      result.server_settings.push_back(std::move(spec).value());
    }
  }
  auto device = x.find("device");
  if (device == x.end())
    return invalid_input{path(field, "device"), "is missing"};
  auto requirements = read_device(*device, path(field, "device"));
  if (!requirements)
    return requirements.error();
  result.device = std::move(requirements).value();
  return result;
}

// Two services writing the same device setting must agree on its value, or
// the printer's state would depend on which contract came last.
std::optional<invalid_input> check_device_settings_agree(const catalog& cat) {
  std::map<std::string, std::pair<service_id, setting_value>> seen;
  for (auto& [sid, spec] : cat.services)
    for (auto& [name, value] : spec.device.values) {
      auto [i, added] = seen.emplace(name, std::make_pair(sid, value));
      if (!added && i->second.second != value)
        return invalid_input{
          "services." + sid.str() + ".device.settings." + name,
          "conflicts with service " + i->second.first.str()
            + ", which sets it to " + i->second.second.to_text()};
    }
  return std::nullopt;
}

} // namespace

outcome<catalog> parse_catalog(std::string_view text) {
  auto doc = parse_document(text);
  if (!doc)
    return doc.error();
  auto& x = doc.value();
  if (auto problem = check_object(x, "", {"format", "services"}))
    return *problem;
  auto format = required_integer(x, "", "format", 1,
                                 std::numeric_limits<int64_t>::max());
  if (!format)
    return format.error();
  if (format.value() != catalog_format)
    return invalid_input{"format", "catalog format "
                                     + std::to_string(format.value())
                                     + " is not supported (this build reads "
                                     + std::to_string(catalog_format) + ")"};
  auto i = x.find("services");
  if (i == x.end())
    return invalid_input{"services", "is missing"};
  if (!i->is_object() || i->empty())
    return invalid_input{"services", "must be a non-empty JSON object keyed "
                                     "by service"};
  catalog result;
  for (auto& [name, raw] : i->items()) {
    auto spec = read_service(name, raw, path("services", name));
    if (!spec)
      return spec.error();
    result.services.emplace(service_id{name}, std::move(spec).value());
  }
  if (auto problem = check_device_settings_agree(result))
    return *problem;
  return result;
}

outcome<catalog> load_catalog(const std::string& file) {
  if (file.empty())
    return invalid_input{"catalog",
                         "none found: give " + catalog_lookup_order()};
  std::ifstream in{file, std::ios::binary};
  if (!in)
    return invalid_input{file, "cannot be read"};
  std::ostringstream text;
  text << in.rdbuf();
  auto result = parse_catalog(text.str());
  if (!result)
    return invalid_input{file + ": " + result.error().field,
                         result.error().reason};
  return result;
}

} // namespace onset::config
