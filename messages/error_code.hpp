// The one catalogue of errors that callers of Onset's actors can react to,
// registered with CAF as the category "onset" (`add_onset_types`,
// actors/onset_types.hpp). The error's context carries the human-readable
// detail (which field, which device, which key).
//
// Three result types, one per layer:
// - `outcome<T>` (messages/outcome.hpp): checked operator input, a value or
//   the field and reason that refused it. No CAF: the CLI's commands and the
//   config loaders use it.
// - `persistence::result<T>` and `status` (persistence/status.hpp): storage,
//   a value or a `failure` with its error_code and the MDB_MAP_FULL flag the
//   STORE needs. No CAF: the stores stay light to compile.
// - `caf::expected<T>` / `caf::error`: what actors answer. A storage failure
//   becomes one through persistence/caf_error.hpp, a refused input through
//   `refusal(code, problem.to_string())`.
#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace onset {
inline namespace messages {

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
  /// A receiver already applied this seq of the stream with other content:
  /// sender and receiver disagree about the stream (never acked).
  conflict,
  /// A request spanning several cluster nodes was done on some and failed
  /// on others; context names, per node, what was done and what failed and
  /// why. Repeating the same request completes it (it is idempotent).
  partial,
};

std::string to_string(error_code x);

/// Whether `err` is Onset's error `code` (and not another category's code
/// with the same number).
bool is(const caf::error& err, error_code code);

/// Whether a target's answer `err` is one no resend changes: `refused`,
/// `unknown_device`, `unknown_service`.
bool is_permanent_refusal(const caf::error& err);

/// Whether `err` belongs to Onset's category at all (false for no error).
bool is_onset_error(const caf::error& err);

/// The error `code` with `text` as its context ("field: reason", the
/// device, the key): the one way Onset refuses a request.
caf::error refusal(error_code code, std::string text);

/// `refused`, `transient`, ... for Onset's category; CAF's name for its own
/// categories (`request_timeout`) and its rendering for others. Needs no
/// actor system (caf::to_string renders an unregistered category's codes as
/// numbers).
std::string error_name(const caf::error& x);

/// The context of an error when it is one string (the reason); else empty.
std::string error_reason(const caf::error& x);

/// `refused: application backup-agent needs firmware 3.0.0, ...`: the name
/// and, when the context is one string, that string.
std::string error_detail(const caf::error& x);

/// How an actor system renders an error of Onset's category (registered by
/// `add_onset_types`): `code: reason`.
std::string render_onset_error(uint8_t code, caf::atom_value category,
                               const caf::message& context);

} // namespace messages
} // namespace onset

CAF_ERROR_CODE_ENUM(onset::error_code, "onset")
