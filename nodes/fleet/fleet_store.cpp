#include "nodes/fleet/fleet_store.hpp"

#include <optional>

#include "messages/error_code.hpp"
#include "persistence/keys.hpp"
#include "persistence/receiver_ledger.hpp"

namespace onset::fleet {

namespace keys = persistence::keys;
using persistence::db;
using persistence::make_failure;
using persistence::result;
using persistence::status;

namespace {

constexpr std::string_view mark_key = "fleet";
constexpr char stream_index_tag = 'I';
constexpr char log_tag = 'L';
constexpr uint8_t last_kind = static_cast<uint8_t>(step_kind::skip);

/// 'I' kind:u8 name:str device:str; a printer's own target has no device.
std::string target_prefix(const endpoint::target_ref& x) {
  std::string key{stream_index_tag};
  keys::put_u8(key, static_cast<uint8_t>(x.to.kind));
  keys::put_str(key, x.to.name);
  keys::put_str(key, x.to.kind == target_kind::device ? std::string_view{}
                                                      : x.device.str());
  return key;
}

endpoint::target_ref target_of_stream(const stream_id& x) {
  return {x.to,
          x.to.kind == target_kind::device ? device_id{x.to.name} : x.device};
}

std::string log_key(uint64_t index) {
  std::string key{log_tag};
  keys::put_be64(key, index);
  return key;
}

std::string encode_entry(const log_entry& x) {
  std::string out;
  keys::put_u8(out, static_cast<uint8_t>(x.what));
  keys::put_u8(out, x.idempotent ? 1 : 0);
  keys::put_stream(out, x.stream);
  keys::put_be64(out, x.seq);
  keys::put_u8(out, static_cast<uint8_t>(x.kind));
  keys::put_be64(out, static_cast<uint64_t>(x.time_ms));
  keys::put_str(out, x.digest);
  return out;
}

std::optional<log_entry> decode_entry(std::string_view in) {
  log_entry x;
  auto what = keys::get_u8(in);
  auto idempotent = keys::get_u8(in);
  if (!what || !idempotent || (*what != 1 && *what != 2) || *idempotent > 1)
    return std::nullopt;
  x.what = static_cast<log_entry::type>(*what);
  x.idempotent = *idempotent == 1;
  auto stream = keys::get_stream(in);
  auto seq = stream ? keys::get_be64(in) : std::nullopt;
  auto kind = seq ? keys::get_u8(in) : std::nullopt;
  auto time = kind ? keys::get_be64(in) : std::nullopt;
  auto digest = time ? keys::get_str(in) : std::nullopt;
  if (!digest || !in.empty() || *kind > last_kind)
    return std::nullopt;
  x.stream = std::move(*stream);
  x.seq = *seq;
  x.kind = static_cast<step_kind>(*kind);
  x.time_ms = static_cast<int64_t>(*time);
  x.digest = std::string{*digest};
  return x;
}

} // namespace

status mark_fleet(persistence::write_txn& txn) {
  return txn.put(db::meta, mark_key, "1");
}

result<bool> is_fleet(persistence::transaction& txn) {
  auto x = txn.get(db::meta, mark_key);
  if (!x)
    return x.error();
  return x->has_value();
}

status note_stream(persistence::write_txn& txn, const stream_id& stream) {
  auto key = target_prefix(target_of_stream(stream));
  keys::put_stream(key, stream);
  // A put of a key already there still rewrites its page: look first.
  auto known = txn.get(db::ledger, key);
  if (!known)
    return known.error();
  return known->has_value() ? status{} : txn.put(db::ledger, key, {});
}

result<std::vector<std::pair<stream_id, uint64_t>>>
streams_of(persistence::transaction& txn, const endpoint::target_ref& target) {
  auto prefix = target_prefix(target);
  std::vector<stream_id> streams;
  std::optional<std::string> bad_key;
  auto walked = persistence::scan_prefix(
    txn, db::ledger, prefix, [&](std::string_view key, std::string_view) {
      key.remove_prefix(prefix.size());
      auto stream = keys::get_stream(key);
      if (!stream || !key.empty()) {
        bad_key = keys::printable(prefix) + "...";
        return false;
      }
      streams.push_back(std::move(*stream));
      return true;
    });
  if (!walked)
    return walked.error();
  if (bad_key)
    return make_failure(error_code::corrupt_record,
                        "db=ledger key=" + *bad_key + ": not a stream");
  std::vector<std::pair<stream_id, uint64_t>> result;
  for (auto& stream : streams) {
    auto seq = persistence::receiver_ledger::applied(txn, stream);
    if (!seq)
      return seq.error();
    result.emplace_back(std::move(stream), *seq);
  }
  return result;
}

status append_log(persistence::write_txn& txn, log_entry& x) {
  uint64_t last = 0;
  {
    persistence::cursor c{txn, db::history};
    if (c.seek_last_with_prefix(std::string_view{&log_tag, 1})) {
      auto key = c.key();
      key.remove_prefix(1);
      auto index = keys::get_be64(key);
      if (!index)
        return make_failure(error_code::corrupt_record,
                            "db=history key=" + keys::printable(c.key())
                              + ": not a log index");
      last = *index;
    } else if (!c.state()) {
      return c.state().error();
    }
  }
  x.index = last + 1;
  return txn.put(db::history, log_key(x.index), encode_entry(x));
}

status for_each_log(persistence::transaction& txn,
                    const std::function<void(const log_entry&)>& fn) {
  std::optional<std::string> bad_key;
  auto walked = persistence::scan_prefix(
    txn, db::history, std::string_view{&log_tag, 1},
    [&](std::string_view key, std::string_view value) {
      auto rest = key.substr(1);
      auto index = keys::get_be64(rest);
      auto entry = decode_entry(value);
      if (!index || !rest.empty() || !entry) {
        bad_key = keys::printable(key);
        return false;
      }
      entry->index = *index;
      fn(*entry);
      return true;
    });
  if (!walked)
    return walked;
  if (bad_key)
    return make_failure(error_code::corrupt_record,
                        "db=history key=" + *bad_key
                          + ": not an effect log entry");
  return {};
}

} // namespace onset::fleet
