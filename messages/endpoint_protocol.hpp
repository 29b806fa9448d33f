// The wire shapes of the endpoint protocol v1 (docs/endpoints.md), once for
// both sides: Onset's HTTP adapter encodes requests and parses answers, an
// endpoint (`onset-fleet`) parses requests and encodes answers. Parsing
// never throws; a body that does not follow the protocol is refused with
// the JSON path of the first wrong field. No JSON library in this header.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/firmware_version.hpp"
#include "messages/instruction.hpp"
#include "messages/outcome.hpp"
#include "messages/setting_value.hpp"

namespace onset {
inline namespace messages {
namespace endpoint {

/// The path prefix of this version.
inline constexpr std::string_view version = "v1";

/// The most instructions in one apply, and targets in one read.
inline constexpr size_t max_batch = 256;

/// What an endpoint made of one instruction.
enum class outcome_kind : uint8_t {
  applied,
  already_applied,
  conflict,
  out_of_order,
  refused,
  retry_later,
};

/// `applied`, `already_applied`, ...
const char* to_string(outcome_kind x);

/// One instruction of an apply, as the endpoint receives it.
struct apply_item {
  instruction x;
  /// content_digest(x), 32 bytes (hex on the wire).
  std::string digest;
  /// The request's deadline (`not_after`), in milliseconds since the Unix
  /// epoch, UTC: the endpoint must not perform `x` once its clock is past
  /// it (docs/endpoints.md, "Deadlines"). Nullopt: the request had none.
  std::optional<int64_t> not_after_ms;
};

/// A target as a read names it: `device/MFP-1`, or `service/S` with the
/// printer in `device`.
struct target_ref {
  target to;
  device_id device;
};

bool operator==(const target_ref& x, const target_ref& y);
bool operator<(const target_ref& x, const target_ref& y);

/// The target an instruction goes to.
target_ref target_of(const instruction& x);

/// What an endpoint holds for one target.
struct target_state {
  target_ref ref;
  /// False for a printer the endpoint does not manage; nothing else is set.
  bool known = true;
  /// Printers.
  firmware_version firmware;
  std::vector<std::string> apps;
  /// Services.
  bool registered = false;
  bool active = false;
  /// Both.
  settings values;
  /// Idempotent endpoints: the last applied seq of each stream of this
  /// target, by `stream_id::to_string()`. Empty for a state-only one.
  std::map<std::string, uint64_t> streams;
};

bool operator==(const target_state& x, const target_state& y);

/// The answer to one instruction.
struct apply_result {
  stream_id stream;
  uint64_t seq = 0;
  outcome_kind outcome = outcome_kind::applied;
  /// `out_of_order`: the seq the endpoint expects next.
  uint64_t expected_seq = 0;
  /// `refused`, `retry_later`, `conflict`.
  std::string reason;
  /// `applied`, `already_applied`: the target's state after it.
  std::optional<target_state> state;
};

bool operator==(const apply_result& x, const apply_result& y);

/// `GET /v1/health`.
struct health {
  std::string protocol{version};
  std::string status = "ok";
  bool idempotent = true;
};

// -- the stream id on the wire ---------------------------------------------

/// The stream `text` names, given its target and printer, which the wire
/// carries in fields of their own (ids may hold `>`, `/` and `@`, so the
/// text alone can be ambiguous): `CONTRACT>device/ID` for `to` a printer,
/// `CONTRACT>service/S@DEVICE` (or `CONTRACT>service/S`, a stream shared
/// by a contract's printers, written before storage format 5) for `to` a
/// service. Refuses anything else, and a contract id that messages/
/// id_rules.hpp refuses, naming `field`.
outcome<stream_id> parse_stream_id(std::string_view text, const target& to,
                                   const device_id& device,
                                   const std::string& field);

/// `device/ID` or `service/NAME`, the name checked as an id.
outcome<target> parse_target(std::string_view text, const std::string& field);

// -- POST /v1/apply ----------------------------------------------------------

/// The request body for `xs` (each with its digest computed here), with
/// the deadline `not_after_ms` (milliseconds since the Unix epoch) when
/// given. REQUIRES: 1 <= xs.size() <= max_batch.
std::string
encode_apply_request(const std::vector<instruction>& xs,
                     std::optional<int64_t> not_after_ms = std::nullopt);

/// Refuses a body that is not an apply request of 1 to max_batch
/// instructions, each with a valid stream, seq >= 1, a 64-hex digest, a
/// known kind that fits its target and the fields its kind needs, and an
/// optional `not_after` (an RFC 3339 UTC time), which every item carries.
outcome<std::vector<apply_item>> parse_apply_request(std::string_view body);

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`: `ms` milliseconds since the Unix epoch, as
/// `not_after` is written.
std::string time_ms_to_rfc3339(int64_t ms);

std::string encode_apply_response(const std::vector<apply_result>& xs);

/// Refuses a body that is not an answer to `sent`: one result per
/// instruction, in order, with the same keys, a known outcome and the
/// fields that outcome needs.
outcome<std::vector<apply_result>>
parse_apply_response(std::string_view body,
                     const std::vector<instruction>& sent);

// -- POST /v1/read -----------------------------------------------------------

/// REQUIRES: 1 <= xs.size() <= max_batch.
std::string encode_read_request(const std::vector<target_ref>& xs);

outcome<std::vector<target_ref>> parse_read_request(std::string_view body);

std::string encode_read_response(const std::vector<target_state>& xs);

/// Refuses a body that is not an answer to `asked`: one state per target,
/// in order, for the same targets.
outcome<std::vector<target_state>>
parse_read_response(std::string_view body,
                    const std::vector<target_ref>& asked);

/// One state, as `GET /v1/printers/ID` answers.
std::string encode_target_state(const target_state& x);

outcome<target_state> parse_target_state(std::string_view body);

// -- GET /v1/health and errors ----------------------------------------------

std::string encode_health(const health& x);

outcome<health> parse_health(std::string_view body);

/// `{"error": code, "message": text}`.
std::string encode_error(std::string_view code, std::string_view message);

// -- read-back ---------------------------------------------------------------

/// Whether the effect of `x` is present in `state` (the state of `x`'s
/// target): what a state-only endpoint is read for before and after an
/// apply. Looks only at what `x` touches (another contract may have written
/// other settings meanwhile). `skip` is always present. If not present,
/// `why` (when given) says what differs, for the history.
bool effect_present(const target_state& state, const instruction& x,
                    std::string* why = nullptr);

} // namespace endpoint
} // namespace messages
} // namespace onset
