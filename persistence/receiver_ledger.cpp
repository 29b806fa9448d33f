#include "persistence/receiver_ledger.hpp"

#include <optional>

#include "messages/error_code.hpp"
#include "persistence/keys.hpp"

namespace onset::persistence::receiver_ledger {

namespace {

constexpr char applied_tag = 'W';
constexpr char effect_tag = 'E';

std::string applied_key(const stream_id& stream) {
  std::string key{applied_tag};
  keys::put_stream(key, stream);
  return key;
}

std::string effect_key(const stream_id& stream, uint64_t seq) {
  std::string key{effect_tag};
  keys::put_stream(key, stream);
  keys::put_be64(key, seq);
  return key;
}

/// A be64 value stored under `key`, 0 if absent.
result<uint64_t> load_be64(transaction& txn, const std::string& key,
                           const std::string& key_text) {
  auto bytes = txn.get(db::ledger, key);
  if (!bytes)
    return bytes.error();
  if (!*bytes)
    return uint64_t{0};
  auto x = keys::be64_of_value(**bytes);
  if (!x)
    return make_failure(error_code::corrupt_record,
                        "db=ledger key=" + key_text + ": not a be64 value");
  return *x;
}

/// The count of an effect value (count:be64, then a digest or nothing).
std::optional<uint64_t> count_of(std::string_view value) {
  if (value.size() != 8 && value.size() != 8 + 32)
    return std::nullopt;
  return keys::get_be64(value);
}

/// The effect value under `key`: its count (0 if absent) and its digest.
result<std::pair<uint64_t, std::string>>
load_effect(transaction& txn, const std::string& key,
            const std::string& key_text) {
  auto bytes = txn.get(db::ledger, key);
  if (!bytes)
    return bytes.error();
  if (!*bytes)
    return std::pair<uint64_t, std::string>{0, {}};
  auto count = count_of(**bytes);
  if (!count)
    return make_failure(error_code::corrupt_record,
                        "db=ledger key=" + key_text
                          + ": not a count and digest");
  return std::pair<uint64_t, std::string>{*count,
                                          std::string{(**bytes).substr(8)}};
}

std::string applied_text(const stream_id& stream) {
  return "applied " + keys::printable(stream.to_string());
}

std::string effect_text(const stream_id& stream, uint64_t seq) {
  return "effect " + keys::printable(stream.to_string())
         + " seq=" + std::to_string(seq);
}

} // namespace

result<uint64_t> applied(transaction& txn, const stream_id& stream) {
  return load_be64(txn, applied_key(stream), applied_text(stream));
}

status set_applied(write_txn& txn, const stream_id& stream, uint64_t seq) {
  auto current = applied(txn, stream);
  if (!current)
    return current.error();
  if (seq == *current)
    return {};
  if (seq != *current + 1)
    return make_failure(error_code::invalid_input,
                        "ledger " + stream.to_string() + ": applied seq "
                          + std::to_string(seq) + " after "
                          + std::to_string(*current) + " (expected "
                          + std::to_string(*current + 1) + ")");
  return txn.put(db::ledger, applied_key(stream), keys::be64_value(seq));
}

status lower_applied(write_txn& txn, const stream_id& stream, uint64_t seq) {
  auto current = applied(txn, stream);
  if (!current)
    return current.error();
  if (seq == *current)
    return {};
  if (seq > *current)
    return make_failure(error_code::invalid_input,
                        "ledger " + stream.to_string() + ": cannot lower "
                          + "applied seq " + std::to_string(*current) + " to "
                          + std::to_string(seq));
  return txn.put(db::ledger, applied_key(stream), keys::be64_value(seq));
}

result<uint64_t> count_effect(write_txn& txn, const stream_id& stream,
                              uint64_t seq, const std::string& digest) {
  auto key = effect_key(stream, seq);
  auto effect = load_effect(txn, key, effect_text(stream, seq));
  if (!effect)
    return effect.error();
  auto next = effect->first + 1;
  auto kept = digest.empty() ? effect->second : digest;
  if (auto st = txn.put(db::ledger, key, keys::be64_value(next) + kept); !st)
    return st.error();
  return next;
}

result<std::string> digest(transaction& txn, const stream_id& stream,
                           uint64_t seq) {
  auto effect = load_effect(txn, effect_key(stream, seq),
                            effect_text(stream, seq));
  if (!effect)
    return effect.error();
  return std::move(effect->second);
}

result<uint64_t> effect_count(transaction& txn, const stream_id& stream,
                              uint64_t seq) {
  auto effect = load_effect(txn, effect_key(stream, seq),
                            effect_text(stream, seq));
  if (!effect)
    return effect.error();
  return effect->first;
}

status for_each_effect(transaction& txn,
                       const std::function<void(const stream_id&, uint64_t seq,
                                                uint64_t count)>& fn) {
  std::optional<failure> bad;
  auto st
    = scan_prefix(txn, db::ledger, std::string_view{&effect_tag, 1},
                  [&](std::string_view key, std::string_view value) {
                    auto rest = key.substr(1);
                    auto stream = keys::get_stream(rest);
                    auto seq = keys::get_be64(rest);
                    auto count = count_of(value);
                    if (!stream || !seq || !rest.empty() || !count) {
                      bad = make_failure(error_code::corrupt_record,
                                         "db=ledger key=" + keys::printable(key)
                                           + ": malformed effect entry");
                      return false;
                    }
                    fn(*stream, *seq, *count);
                    return true;
                  });
  if (!st)
    return st;
  if (bad)
    return *bad;
  return {};
}

} // namespace onset::persistence::receiver_ledger
