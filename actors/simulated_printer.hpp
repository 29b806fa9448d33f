// The shipped device driver: a simulated printer with configurable latency,
// injected transient failures, and the preconditions of a real one, derived
// from the catalog, so that a step sent in the wrong order is refused:
//
//   - an application is installed only on the firmware its service needs
//     (the highest `min_firmware` among the services that list the app);
//   - a setting that a service with applications writes is written only when
//     the applications of one such service are all installed;
//   - an application no service lists is unknown and refused.
//
// firmware installs `instruction.firmware` unless the printer runs it or a
// newer one (then nothing changes); settings_revert removes the named keys;
// apps_remove removes the named apps. An offline printer fails transiently.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "actors/device_driver.hpp"
#include "messages/catalog.hpp"

namespace onset::actors {

/// Tunables of the simulator; one set per node.
struct simulated_printer_options {
  /// Time a firmware install takes (slow on a real printer). Default: none.
  std::chrono::nanoseconds firmware_latency{0};
  /// Time installing or removing applications takes. Default: none.
  std::chrono::nanoseconds apps_latency{0};
  /// Time writing or reverting setting values takes. Default: none.
  std::chrono::nanoseconds settings_latency{0};
  /// Probability, in [0, 1], that a step fails transiently. Default: never.
  double failure_rate = 0.0;
  /// Seeds the failure draws; each printer combines it with its id, so a run
  /// is reproducible for a given seed.
  uint64_t seed = 0;
};

/// The preconditions of the catalog, indexed for the simulator. Immutable
/// once built; shared by every simulated printer of a node.
class printer_rules {
public:
  explicit printer_rules(const catalog& cat);

  /// The firmware `app` needs; nullptr if no service lists `app`.
  const firmware_version* app_min_firmware(const std::string& app) const;

  /// The application sets of the services that write setting `key`, one per
  /// service; empty if no service with applications writes it.
  const std::vector<std::vector<std::string>>&
  setting_app_sets(const std::string& key) const;

private:
  std::map<std::string, firmware_version> app_firmware_;
  std::map<std::string, std::vector<std::vector<std::string>>> setting_apps_;
};

/// The state of a reachable printer in state `current` after device step
/// `x`, or the refusal naming the precondition `x` fails (`rules`, above):
/// the simulator's rules without its latency, reachability and injected
/// failures, so that another printer model (onset-fleet) applies the same
/// ones. Never `transient`. Pure.
driver_result apply_printer_step(const printer_rules& rules,
                                 const device_state& current,
                                 const instruction& x);

/// What every simulated printer of a node shares, so that each one holds a
/// pointer, not a copy.
struct simulated_fleet {
  printer_rules rules;
  simulated_printer_options options;
};

class simulated_printer : public device_driver {
public:
  /// `seed` seeds this printer's failure draws.
  simulated_printer(std::shared_ptr<const simulated_fleet> fleet,
                    uint64_t seed);

  std::chrono::nanoseconds latency(const instruction& x) const override;

  driver_result apply(const device_state& current,
                      const instruction& x) override;

private:
  std::shared_ptr<const simulated_fleet> fleet_;
  /// 8 bytes: a simulated printer lives in every DEVICE actor, and a
  /// Mersenne twister's 2.5 KB state would be most of an idle one's memory.
  std::minstd_rand rng_;
};

/// Makes one simulated printer per device, each seeded with
/// `options.seed` combined with a stable hash of the device id.
driver_factory simulated_printer_factory(const catalog& cat,
                                         simulated_printer_options options);

} // namespace onset::actors
