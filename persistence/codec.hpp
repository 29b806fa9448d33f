// Encoding and decoding of the stored records (layouts in
// persistence/serialization.hpp). Compiled once, in codec.cpp, so that the
// stores do not each instantiate Boost.Serialization.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/applied_ledger.hpp"
#include "messages/contract.hpp"
#include "messages/contract_event.hpp"
#include "messages/contract_record.hpp"
#include "messages/contract_status.hpp"
#include "messages/device_state.hpp"
#include "messages/due_timer.hpp"
#include "messages/history_entry.hpp"
#include "messages/instruction.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence::codec {

std::string encode(const contract_record& x);
std::string encode(const contract& x);
std::string encode(const contract_status& x);
std::string encode(const device_ledger& x);
std::string encode(const service_ledger& x);
std::string encode(const instruction& x);
std::string encode(const device_state& x);
std::string encode(const service_device_state& x);
std::string encode(const due_timer& x);
std::string encode(const history_entry& x);
/// A history record of format 3: the lines of one write, in order.
std::string encode(const std::vector<history_entry>& x);
std::string encode(const contract_event& x);

/// Decodes a record read from `which` under the key described by
/// `key_text`. Errors: `corrupt_record` or `format_mismatch`, naming both.
status decode(std::string_view bytes, contract_record& x, db which,
              std::string_view key_text);
status decode(std::string_view bytes, contract& x, db which,
              std::string_view key_text);
status decode(std::string_view bytes, contract_status& x, db which,
              std::string_view key_text);
status decode(std::string_view bytes, device_ledger& x, db which,
              std::string_view key_text);
status decode(std::string_view bytes, service_ledger& x, db which,
              std::string_view key_text);
status decode(std::string_view bytes, instruction& x, db which,
              std::string_view key_text);
status decode(std::string_view bytes, device_state& x, db which,
              std::string_view key_text);
status decode(std::string_view bytes, service_device_state& x, db which,
              std::string_view key_text);
status decode(std::string_view bytes, due_timer& x, db which,
              std::string_view key_text);
status decode(std::string_view bytes, history_entry& x, db which,
              std::string_view key_text);
status decode(std::string_view bytes, std::vector<history_entry>& x, db which,
              std::string_view key_text);
status decode(std::string_view bytes, contract_event& x, db which,
              std::string_view key_text);

/// The record stored under `key` of `which`, decoded; nullopt when there is
/// none. `key_text` names the key in a decoding error.
template <class T>
result<std::optional<T>> get(transaction& txn, db which, std::string_view key,
                             std::string_view key_text) {
  auto bytes = txn.get(which, key);
  if (!bytes)
    return bytes.error();
  if (!*bytes)
    return std::optional<T>{};
  T x;
  if (auto st = decode(**bytes, x, which, key_text); !st)
    return st.error();
  return std::optional<T>{std::move(x)};
}

/// Hands a record that did not decode to `handler`, or logs it.
void report_corrupt(const corrupt_handler& handler, const failure& x);

} // namespace onset::persistence::codec
