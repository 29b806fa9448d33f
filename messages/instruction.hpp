// Distribution instructions and their acknowledgements (docs/design.md,
// "Delivery").
//
// A stream is one contract's instructions to one printer, or to one smart
// service about one printer: (contract, target) or (contract, service,
// printer). Each instruction in a stream has a sequence number, from 1,
// without gaps; the receiver applies only the next one and acknowledges what
// it has committed. Streams per printer keep one printer's step that waits
// (an offline printer, a step the service puts off) from holding up the
// steps of the contract's other printers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "messages/firmware_version.hpp"
#include "messages/ids.hpp"
#include "messages/setting_value.hpp"

namespace onset {
inline namespace messages {

enum class target_kind : uint8_t { device, service };

/// A printer (`device/MFP-0001`) or a smart service (`service/data_backup`).
struct target {
  target_kind kind = target_kind::device;
  std::string name;

  static target device(const device_id& x) {
    return {target_kind::device, x.str()};
  }
  static target service(const service_id& x) {
    return {target_kind::service, x.str()};
  }

  /// `device/NAME` or `service/NAME`.
  std::string to_string() const;
};

bool operator==(const target& x, const target& y);
bool operator<(const target& x, const target& y);

inline bool operator!=(const target& x, const target& y) {
  return !(x == y);
}

struct stream_id {
  contract_id contract;
  target to;
  /// For a service stream, the printer it is about. Empty for a printer's
  /// own stream (`to` names the printer), and for a service stream of
  /// storage format 4 or older, shared by all printers of the contract:
  /// such a stream is still delivered to its end, and no step is added to
  /// it.
  device_id device{};

  /// `C-1001>device/MFP-0001`, `C-1001>service/data_backup@MFP-0001`.
  std::string to_string() const;
};

bool operator==(const stream_id& x, const stream_id& y);
bool operator<(const stream_id& x, const stream_id& y);

inline bool operator!=(const stream_id& x, const stream_id& y) {
  return !(x == y);
}

/// What an instruction asks of its target. Provisioning runs, per printer,
/// service_prepare -> firmware -> apps_install -> settings_apply ->
/// service_activate; deprovisioning runs service_deactivate ->
/// settings_revert -> apps_remove.
enum class step_kind : uint8_t {
  /// SERVICE: register the printer and apply its server-side settings.
  service_prepare,
  /// DEVICE: install `firmware`.
  firmware,
  /// DEVICE: install `apps`.
  apps_install,
  /// DEVICE: write `values`.
  settings_apply,
  /// SERVICE: start serving the printer.
  service_activate,
  /// SERVICE: stop serving the printer and drop its server-side settings.
  service_deactivate,
  /// DEVICE: remove the setting values named in `values`.
  settings_revert,
  /// DEVICE: remove `apps`.
  apps_remove,
  /// Any target: no effect; moves the stream's watermark past this seq. It
  /// replaces, in the outbox, a step the target refused (abandoned), so that
  /// the stream goes on.
  skip,
};

/// Operator-facing name: `prepare`, `firmware`, `apps`, `settings`,
/// `activate`, `deactivate`, `settings_off`, `apps_remove`, `skip`.
const char* to_string(step_kind x);

struct instruction {
  stream_id stream;
  uint64_t seq = 0;
  step_kind kind = step_kind::firmware;
  /// The printer concerned; for service steps, the printer being served.
  device_id device;
  /// The contract version whose plan produced this instruction.
  uint64_t contract_version = 0;
  firmware_version firmware;
  std::vector<std::string> apps;
  settings values;
  /// Set by the sender on an instruction its receiver acknowledged before,
  /// sent again because the receiver went back behind its acks (a store
  /// restored from an older copy): the effect was performed once. A
  /// receiver whose effect lives outside its own store (an endpoint that
  /// keeps no records) commits it without performing it again. Not content:
  /// not kept in the outbox, not part of the digest, not compared by ==.
  bool acked_before = false;
};

bool operator==(const instruction& x, const instruction& y);

/// The receiver of `stream` has committed every instruction up to and
/// including `seq`.
struct instruction_ack {
  stream_id stream;
  uint64_t seq = 0;
};

bool operator==(const instruction_ack& x, const instruction_ack& y);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, target& x) {
  return f(caf::meta::type_name("target"), x.kind, x.name);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_id& x) {
  return f(caf::meta::type_name("stream_id"), x.contract, x.to, x.device);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instruction& x) {
  return f(caf::meta::type_name("instruction"), x.stream, x.seq, x.kind,
           x.device, x.contract_version, x.firmware, x.apps, x.values,
           x.acked_before);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, instruction_ack& x) {
  return f(caf::meta::type_name("instruction_ack"), x.stream, x.seq);
}

} // namespace messages
} // namespace onset
