#include "messages/desired_state.hpp"

#include <algorithm>
#include <memory>

namespace onset {
inline namespace messages {

namespace {

/// The catalog entry of every service of `x`, or the first one missing.
outcome<std::map<service_id, const service_spec*>>
services_of(const contract& x, const catalog& cat) {
  std::map<service_id, const service_spec*> result;
  for (auto& [sid, choices] : x.services) {
    auto* spec = cat.find(sid);
    if (spec == nullptr)
      return invalid_input{"services." + sid.str(),
                           "service " + sid.str() + " is not in the catalog"};
    result.emplace(sid, spec);
  }
  return result;
}

} // namespace

outcome<desired_state> compute_desired_state(const contract& x,
                                             const catalog& cat,
                                             const device_lookup& lookup) {
  auto specs = services_of(x, cat);
  if (!specs)
    return specs.error();
  desired_state result;
  for (size_t i = 0; i < x.devices.size(); ++i) {
    auto& dev = x.devices[i];
    auto field = "devices[" + std::to_string(i) + "]";
    auto* record = lookup(dev);
    if (record == nullptr)
      return invalid_input{field, "device " + dev.str() + " is not registered"};
    if (record->customer != x.customer)
      return invalid_input{field, "device " + dev.str()
                                    + " belongs to another customer, not "
                                    + x.customer.str()};
    device_desired want;
    firmware_version install;
    for (auto& [sid, spec] : specs.value()) {
      auto& needs = spec->device;
      want.min_firmware = std::max(want.min_firmware, needs.min_firmware);
      install = std::max(install, needs.install_firmware);
      want.apps.insert(want.apps.end(), needs.apps.begin(), needs.apps.end());
      for (auto& [name, value] : needs.values)
        want.values.emplace(name, value);
    }
    std::sort(want.apps.begin(), want.apps.end());
    want.apps.erase(std::unique(want.apps.begin(), want.apps.end()),
                    want.apps.end());
    want.firmware = record->firmware >= want.min_firmware
                      ? record->firmware
                      : std::max(install, want.min_firmware);
    result.devices.emplace(dev, std::move(want));
  }
  for (auto& [sid, choices] : x.services) {
    auto* spec = specs.value().at(sid);
    if (!spec->has_server_settings())
      continue;
    auto merged = spec->merged_server_settings(choices);
    auto& per_device = result.services[sid];
    for (auto& dev : x.devices)
      per_device.emplace(dev, merged);
  }
  return result;
}

error_code refusal_code(const invalid_input& problem, const contract& x,
                        const device_lookup& lookup) {
  for (size_t i = 0; i < x.devices.size(); ++i)
    if (problem.field == "devices[" + std::to_string(i) + "]")
      return lookup(x.devices[i]) == nullptr ? error_code::unknown_device
                                             : error_code::foreign_device;
  return error_code::unknown_service;
}

device_lookup lookup_in(const std::vector<device_record>& records) {
  auto known = std::make_shared<std::map<device_id, device_record>>();
  for (auto& r : records)
    known->emplace(r.id, r);
  return [known](const device_id& id) -> const device_record* {
    auto i = known->find(id);
    return i == known->end() ? nullptr : &i->second;
  };
}

} // namespace messages
} // namespace onset
