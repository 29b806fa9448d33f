// The one catalogue of errors that callers of Onset's actors can react to,
// registered with CAF as the category "onset". The error's context carries
// the human-readable detail (which field, which device, which key).
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace onset {

enum class error_code : uint8_t {
  /// Unused; CAF reserves 0 for "no error".
  none = 0,
  /// Input refused by validation; context: "field: reason".
  invalid_input,
  /// A contract version at or below the stored one.
  stale_version,
  /// A contract id that is not known.
  unknown_contract,
  /// A device id that is not registered.
  unknown_device,
  /// A service id that is not in the catalog.
  unknown_service,
  /// A device of another customer than the contract's.
  foreign_device,
  /// A stored record that does not decode; context names database and key.
  corrupt_record,
  /// The database was written by an unknown or newer format.
  format_mismatch,
  /// LMDB reported an error other than a full map.
  storage_failure,
  /// A printer or service refused an instruction (precondition failed).
  refused,
  /// The target is offline; the instruction waits.
  offline,
  /// A passing failure (injected by the simulator, or a busy printer): the
  /// sender resends after a backoff.
  transient,
  /// The operation does not apply in the contract's current state.
  wrong_state,
  /// The cluster node that holds the target cannot be reached now (down,
  /// frozen, or not connected yet); context names the node. Like
  /// `transient`, the sender retries: the node's LMDB keeps what it applied.
  unreachable,
};

std::string to_string(error_code x);

/// Whether `err` is Onset's error `code` (and not another category's code
/// with the same number).
bool is(const caf::error& err, error_code code);

/// Whether `err` belongs to Onset's category at all.
bool is_onset_error(const caf::error& err);

/// The error `code` with `text` as its context ("field: reason", the
/// device, the key): the one way Onset refuses a request.
caf::error refusal(error_code code, std::string text);

} // namespace onset

CAF_ERROR_CODE_ENUM(onset::error_code, "onset")
