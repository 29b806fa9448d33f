// Helpers of the tests that open storage: environments in a temp dir,
// checks of storage results, and sample records.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <caf/test/unit_test.hpp>

#include "messages/contract_record.hpp"
#include "messages/device_state.hpp"
#include "messages/error_code.hpp"
#include "messages/history_entry.hpp"
#include "messages/instruction.hpp"
#include "persistence/environment.hpp"
#include "tests/support/streams.hpp"
#include "tests/support/temp_dir.hpp"

namespace onset::test {

/// Options for an environment in `dir`: small map, no periodic check.
persistence::environment_options options_in(const std::string& dir);

/// Opens an environment or fails the test.
std::unique_ptr<persistence::environment>
open_env(const persistence::environment_options& opts);

/// Stores `version` as the environment's format, as an older build left it.
void set_format(persistence::write_txn& txn, uint32_t version);

/// The format version stored in the environment (0 if none).
uint32_t stored_format(persistence::transaction& txn);

/// `code: context` of a failure, for messages.
std::string text(const persistence::failure& x);

/// True if `x` is a failure with `code` whose context contains `needle`.
bool fails_with(const persistence::status& x, error_code code,
                const std::string& needle = "");

template <class T>
bool fails_with(const persistence::result<T>& x, error_code code,
                const std::string& needle = "") {
  return fails_with(x.to_status(), code, needle);
}

contract_record sample_contract(const std::string& id, uint64_t version = 1);
instruction sample_instruction(const stream_id& stream, uint64_t seq);
device_state sample_device(const std::string& id);

} // namespace onset::test

/// Requires a result to hold a value, then yields it.
#define ONSET_VALUE(expr)                                                      \
  [&]() {                                                                      \
    auto&& onset_r = (expr);                                                   \
    if (!onset_r)                                                              \
      CAF_FAIL(#expr " failed: " << ::onset::test::text(onset_r.error()));     \
    return *std::move(onset_r);                                                \
  }()

/// Requires a status to be ok.
#define ONSET_OK(expr)                                                         \
  do {                                                                         \
    auto onset_s = (expr);                                                     \
    if (!onset_s)                                                              \
      CAF_FAIL(#expr " failed: " << ::onset::test::text(onset_s.error()));     \
  } while (false)
