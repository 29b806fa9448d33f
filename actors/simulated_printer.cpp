#include "actors/simulated_printer.hpp"

#include <algorithm>
#include <utility>

namespace onset::actors {

namespace {

bool contains(const std::vector<std::string>& xs, const std::string& x) {
  return std::find(xs.begin(), xs.end(), x) != xs.end();
}

std::vector<std::string> missing_apps(const std::vector<std::string>& needed,
                                      const std::vector<std::string>& have) {
  std::vector<std::string> result;
  for (auto& app : needed)
    if (!contains(have, app))
      result.push_back(app);
  return result;
}

std::string joined(const std::vector<std::string>& xs) {
  std::string result;
  for (auto& x : xs) {
    if (!result.empty())
      result += ", ";
    result += x;
  }
  return result;
}

/// FNV-1a: stable across runs and platforms, unlike std::hash.
uint64_t stable_hash(const std::string& text) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

} // namespace

printer_rules::printer_rules(const catalog& cat) {
  for (auto& [id, spec] : cat.services) {
    auto& dev = spec.device;
    for (auto& app : dev.apps) {
      auto [i, added] = app_firmware_.emplace(app, dev.min_firmware);
      if (!added && i->second < dev.min_firmware)
        i->second = dev.min_firmware;
    }
    if (!dev.apps.empty())
      for (auto& [key, value] : dev.values)
        setting_apps_[key].push_back(dev.apps);
  }
}

const firmware_version*
printer_rules::app_min_firmware(const std::string& app) const {
  auto i = app_firmware_.find(app);
  return i != app_firmware_.end() ? &i->second : nullptr;
}

const std::vector<std::vector<std::string>>&
printer_rules::setting_app_sets(const std::string& key) const {
  static const std::vector<std::vector<std::string>> none;
  auto i = setting_apps_.find(key);
  return i != setting_apps_.end() ? i->second : none;
}

namespace {

driver_result install_firmware(const device_state& current,
                               const instruction& x) {
  if (x.firmware.parts.empty())
    return driver_result::refused("firmware step names no version");
  auto next = current;
  if (current.firmware < x.firmware)
    next.firmware = x.firmware;
  return driver_result::applied(std::move(next));
}

driver_result install_apps(const printer_rules& rules,
                           const device_state& current, const instruction& x) {
  for (auto& app : x.apps) {
    auto needed = rules.app_min_firmware(app);
    if (needed == nullptr)
      return driver_result::refused("unknown application " + app);
    if (current.firmware < *needed)
      return driver_result::refused("application " + app + " needs firmware "
                                    + needed->to_string() + ", printer runs "
                                    + current.firmware.to_string());
  }
  auto next = current;
  next.apps.insert(next.apps.end(), x.apps.begin(), x.apps.end());
  std::sort(next.apps.begin(), next.apps.end());
  next.apps.erase(std::unique(next.apps.begin(), next.apps.end()),
                  next.apps.end());
  return driver_result::applied(std::move(next));
}

driver_result write_settings(const printer_rules& rules,
                             const device_state& current,
                             const instruction& x) {
  for (auto& [key, value] : x.values) {
    auto& app_sets = rules.setting_app_sets(key);
    if (app_sets.empty())
      continue;
    auto satisfied = [&](auto& apps) {
      return missing_apps(apps, current.apps).empty();
    };
    if (std::none_of(app_sets.begin(), app_sets.end(), satisfied))
      return driver_result::refused(
        "setting " + key + " needs application "
        + joined(missing_apps(app_sets.front(), current.apps))
        + ", which is not installed");
  }
  auto next = current;
  for (auto& [key, value] : x.values)
    next.values[key] = value;
  return driver_result::applied(std::move(next));
}

} // namespace

driver_result apply_printer_step(const printer_rules& rules,
                                 const device_state& current,
                                 const instruction& x) {
  switch (x.kind) {
    case step_kind::firmware:
      return install_firmware(current, x);
    case step_kind::apps_install:
      return install_apps(rules, current, x);
    case step_kind::settings_apply:
      return write_settings(rules, current, x);
    case step_kind::settings_revert: {
      auto next = current;
      for (auto& [key, value] : x.values)
        next.values.erase(key);
      return driver_result::applied(std::move(next));
    }
    case step_kind::apps_remove: {
      auto next = current;
      auto& apps = next.apps;
      apps.erase(
        std::remove_if(apps.begin(), apps.end(),
                       [&](auto& app) { return contains(x.apps, app); }),
        apps.end());
      return driver_result::applied(std::move(next));
    }
    default:
      return driver_result::refused(std::string{"not a printer step: "}
                                    + to_string(x.kind));
  }
}

simulated_printer::simulated_printer(
  std::shared_ptr<const simulated_fleet> fleet, uint64_t seed)
  : fleet_(std::move(fleet)), rng_(seed) {
}

std::chrono::nanoseconds
simulated_printer::latency(const instruction& x) const {
  switch (x.kind) {
    case step_kind::firmware:
      return fleet_->options.firmware_latency;
    case step_kind::apps_install:
    case step_kind::apps_remove:
      return fleet_->options.apps_latency;
    case step_kind::settings_apply:
    case step_kind::settings_revert:
      return fleet_->options.settings_latency;
    default:
      return std::chrono::nanoseconds{0};
  }
}

driver_result simulated_printer::apply(const device_state& current,
                                       const instruction& x) {
  if (!current.online)
    return driver_result::transient("printer is offline");
  if (fleet_->options.failure_rate > 0.0
      && std::bernoulli_distribution{fleet_->options.failure_rate}(rng_))
    return driver_result::transient("injected failure");
  return apply_printer_step(fleet_->rules, current, x);
}

driver_factory simulated_printer_factory(const catalog& cat,
                                         simulated_printer_options options) {
  auto fleet = std::make_shared<const simulated_fleet>(
    simulated_fleet{printer_rules{cat}, options});
  return [fleet](const device_id& id) {
    auto seed = fleet->options.seed ^ stable_hash(id.str());
    return std::make_unique<simulated_printer>(fleet, seed);
  };
}

} // namespace onset::actors
