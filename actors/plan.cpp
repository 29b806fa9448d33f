#include "actors/plan.hpp"

#include <algorithm>
#include <set>

namespace onset::actors {

namespace {

const device_desired* find_device(const desired_state& want,
                                  const device_id& device) {
  auto i = want.devices.find(device);
  return i == want.devices.end() ? nullptr : &i->second;
}

const settings* find_service_values(const desired_state& want,
                                    const service_id& service,
                                    const device_id& device) {
  auto i = want.services.find(service);
  if (i == want.services.end())
    return nullptr;
  auto j = i->second.find(device);
  return j == i->second.end() ? nullptr : &j->second;
}

const service_ledger* find_service_ledger(const applied_ledger& ledger,
                                          const service_id& service,
                                          const device_id& device) {
  auto i = ledger.services.find(service);
  if (i == ledger.services.end())
    return nullptr;
  auto j = i->second.find(device);
  return j == i->second.end() ? nullptr : &j->second;
}

bool contains(const std::vector<std::string>& xs, const std::string& x) {
  return std::binary_search(xs.begin(), xs.end(), x);
}

void insert_sorted(std::vector<std::string>& xs, const std::string& x) {
  auto i = std::lower_bound(xs.begin(), xs.end(), x);
  if (i == xs.end() || *i != x)
    xs.insert(i, x);
}

void erase_sorted(std::vector<std::string>& xs, const std::string& x) {
  auto i = std::lower_bound(xs.begin(), xs.end(), x);
  if (i != xs.end() && *i == x)
    xs.erase(i);
}

struct step_builder {
  const contract_id& contract;
  uint64_t version;
  const device_id& device;

  instruction make(step_kind kind, target to, device_id about = {}) const {
    instruction x;
    x.stream = stream_id{contract, std::move(to), std::move(about)};
    x.kind = kind;
    x.device = device;
    x.contract_version = version;
    return x;
  }

  instruction for_device(step_kind kind) const {
    return make(kind, target::device(device));
  }

  instruction for_service(step_kind kind, const service_id& service) const {
    return make(kind, target::service(service), device);
  }
};

std::optional<instruction>
next_removal(const step_builder& build, const desired_state& want,
             const applied_ledger& ledger, const device_desired* wanted) {
  auto& device = build.device;
  for (auto& [service, per_device] : ledger.services) {
    auto i = per_device.find(device);
    if (i == per_device.end())
      continue;
    if (find_service_values(want, service, device) == nullptr)
      return build.for_service(step_kind::service_deactivate, service);
  }
  auto d = ledger.devices.find(device);
  if (d == ledger.devices.end())
    return std::nullopt;
  auto& applied = d->second;
  settings stale;
  for (auto& [name, value] : applied.values)
    if (wanted == nullptr || wanted->values.count(name) == 0)
      stale.emplace(name, value);
  if (!stale.empty()) {
    auto x = build.for_device(step_kind::settings_revert);
    x.values = std::move(stale);
    return x;
  }
  std::vector<std::string> unneeded;
  for (auto& app : applied.owned_apps)
    if (wanted == nullptr || !contains(wanted->apps, app))
      unneeded.push_back(app);
  if (!unneeded.empty()) {
    auto x = build.for_device(step_kind::apps_remove);
    x.apps = std::move(unneeded);
    return x;
  }
  return std::nullopt;
}

std::optional<instruction>
next_provisioning(const step_builder& build, const desired_state& want,
                  const applied_ledger& ledger, const device_desired& wanted) {
  auto& device = build.device;
  for (auto& [service, per_device] : want.services) {
    auto i = per_device.find(device);
    if (i == per_device.end())
      continue;
    auto* applied = find_service_ledger(ledger, service, device);
    if (applied == nullptr || !applied->prepared
        || applied->values != i->second) {
      auto x = build.for_service(step_kind::service_prepare, service);
      x.values = i->second;
      return x;
    }
  }
  device_ledger none;
  auto d = ledger.devices.find(device);
  auto& applied = d == ledger.devices.end() ? none : d->second;
  if (applied.firmware < wanted.min_firmware) {
    auto x = build.for_device(step_kind::firmware);
    x.firmware = wanted.firmware;
    return x;
  }
  std::vector<std::string> missing;
  for (auto& app : wanted.apps)
    if (!contains(applied.apps, app))
      missing.push_back(app);
  if (!missing.empty()) {
    auto x = build.for_device(step_kind::apps_install);
    x.apps = std::move(missing);
    return x;
  }
  settings changed;
  for (auto& [name, value] : wanted.values) {
    auto i = applied.values.find(name);
    if (i == applied.values.end() || i->second != value)
      changed.emplace(name, value);
  }
  if (!changed.empty()) {
    auto x = build.for_device(step_kind::settings_apply);
    x.values = std::move(changed);
    return x;
  }
  for (auto& [service, per_device] : want.services) {
    if (per_device.count(device) == 0)
      continue;
    auto* state = find_service_ledger(ledger, service, device);
    if (state == nullptr || !state->active)
      return build.for_service(step_kind::service_activate, service);
  }
  return std::nullopt;
}

} // namespace

std::vector<device_id> planned_devices(const desired_state& want,
                                       const applied_ledger& ledger) {
  std::set<device_id> result;
  for (auto& [id, _] : want.devices)
    result.insert(id);
  for (auto& [id, _] : ledger.devices)
    result.insert(id);
  for (auto& [_, per_device] : ledger.services)
    for (auto& [id, _2] : per_device)
      result.insert(id);
  return {result.begin(), result.end()};
}

std::optional<instruction> next_step(const contract_id& contract,
                                     uint64_t version, const device_id& device,
                                     const desired_state& want,
                                     const applied_ledger& ledger) {
  step_builder build{contract, version, device};
  auto* wanted = find_device(want, device);
  if (auto x = next_removal(build, want, ledger, wanted))
    return x;
  if (wanted == nullptr)
    return std::nullopt;
  return next_provisioning(build, want, ledger, *wanted);
}

void record_applied(applied_ledger& ledger, const instruction& x) {
  auto service = service_id{x.stream.to.name};
  switch (x.kind) {
    case step_kind::service_prepare: {
      auto& state = ledger.services[service][x.device];
      state.prepared = true;
      state.values = x.values;
      break;
    }
    case step_kind::service_activate:
      ledger.services[service][x.device].active = true;
      break;
    case step_kind::service_deactivate: {
      auto i = ledger.services.find(service);
      if (i != ledger.services.end()) {
        i->second.erase(x.device);
        if (i->second.empty())
          ledger.services.erase(i);
      }
      break;
    }
    case step_kind::firmware: {
      auto& device = ledger.devices[x.device];
      device.firmware = std::max(device.firmware, x.firmware);
      break;
    }
    case step_kind::apps_install: {
      auto& device = ledger.devices[x.device];
      for (auto& app : x.apps) {
        if (!contains(device.apps, app))
          insert_sorted(device.owned_apps, app);
        insert_sorted(device.apps, app);
      }
      break;
    }
    case step_kind::skip:
      break;
    case step_kind::apps_remove: {
      auto& device = ledger.devices[x.device];
      for (auto& app : x.apps) {
        erase_sorted(device.apps, app);
        erase_sorted(device.owned_apps, app);
      }
      break;
    }
    case step_kind::settings_apply: {
      auto& device = ledger.devices[x.device];
      for (auto& [name, value] : x.values)
        device.values[name] = value;
      break;
    }
    case step_kind::settings_revert: {
      auto& device = ledger.devices[x.device];
      for (auto& [name, _] : x.values)
        device.values.erase(name);
      break;
    }
  }
}

std::vector<instruction>
remaining_steps(const contract_id& contract, uint64_t version,
                const desired_state& want, const applied_ledger& ledger) {
  std::vector<instruction> result;
  auto simulated = ledger;
  for (auto& device : planned_devices(want, ledger)) {
    // Each step changes the ledger, so the loop ends: every kind of step is
    // planned only while its part of the ledger differs from `want`.
    while (auto x = next_step(contract, version, device, want, simulated)) {
      record_applied(simulated, *x);
      result.push_back(std::move(*x));
    }
  }
  return result;
}

outcome<desired_state> desired_for(const contract_record& rec,
                                   const catalog& cat) {
  if (rec.ending)
    return desired_state{};
  std::map<device_id, device_record> known;
  for (auto& id : rec.doc.devices) {
    device_record x;
    x.id = id;
    x.customer = rec.doc.customer;
    auto i = rec.ledger.devices.find(id);
    if (i != rec.ledger.devices.end()) {
      x.firmware = i->second.firmware;
      x.apps = i->second.apps;
    }
    known.emplace(id, std::move(x));
  }
  return compute_desired_state(rec.doc, cat, [&](const device_id& id) {
    return &known.at(id);
  });
}

device_ledger initial_ledger(const device_record& x) {
  device_ledger result;
  result.firmware = x.firmware;
  result.apps = x.apps;
  std::sort(result.apps.begin(), result.apps.end());
  return result;
}

} // namespace onset::actors
