#include "messages/desired_state.hpp"

#include <algorithm>
#include <memory>

namespace onset {
inline namespace messages {

outcome<desired_state> compute_desired_state(const contract& x,
                                             const catalog& cat,
                                             const device_lookup& lookup) {
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
    for (auto& [sid, choices] : x.services) {
      auto& needs = cat.find(sid)->device;
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
    auto* spec = cat.find(sid);
    if (!spec->has_server_settings())
      continue;
    auto merged = spec->merged_server_settings(choices);
    auto& per_device = result.services[sid];
    for (auto& dev : x.devices)
      per_device.emplace(dev, merged);
  }
  return result;
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
