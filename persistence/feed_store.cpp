#include "persistence/feed_store.hpp"

#include <string>

#include "messages/error_code.hpp"
#include "persistence/codec.hpp"
#include "persistence/keys.hpp"

namespace onset::persistence::feed_store {

namespace {

constexpr char event_tag = 'F';

std::string event_key(uint64_t position) {
  std::string key{event_tag};
  keys::put_be64(key, position);
  return key;
}

/// The position in `key`, or a `corrupt_record` failure naming it.
result<uint64_t> position_of(std::string_view key) {
  auto rest = key.substr(1);
  auto position = keys::get_be64(rest);
  if (!position || !rest.empty())
    return make_failure(error_code::corrupt_record,
                        "db=feed key=" + keys::printable(key)
                          + ": malformed key");
  return *position;
}

/// The keys of the events `prune(txn, cutoff, limit)` removes.
result<std::vector<std::string>> expired_keys(transaction& txn, utc_time cutoff,
                                              size_t limit) {
  auto newest = last(txn);
  if (!newest)
    return newest.error();
  std::vector<std::string> result;
  cursor cur{txn, db::feed};
  for (bool found = cur.seek(event_key(1));
       found && result.size() < limit && !cur.key().empty()
       && cur.key()[0] == event_tag;
       found = cur.next()) {
    auto position = position_of(cur.key());
    if (!position)
      return position.error();
    if (*position >= *newest)
      break;
    contract_event x;
    if (auto st = codec::decode(cur.value(), x, db::feed,
                                keys::printable(cur.key()));
        !st)
      return st.error();
    if (x.at >= cutoff)
      break;
    result.emplace_back(cur.key());
  }
  if (!cur.state())
    return cur.state().error();
  return result;
}

} // namespace

result<uint64_t> first(transaction& txn) {
  cursor cur{txn, db::feed};
  if (cur.seek(event_key(1)) && !cur.key().empty() && cur.key()[0] == event_tag)
    return position_of(cur.key());
  if (!cur.state())
    return cur.state().error();
  return uint64_t{0};
}

result<size_t> prune(write_txn& txn, utc_time cutoff, size_t limit) {
  auto keys = expired_keys(txn, cutoff, limit);
  if (!keys)
    return keys.error();
  for (auto& key : keys.value())
    if (auto gone = txn.del(db::feed, key); !gone)
      return gone.error();
  return keys.value().size();
}

result<size_t> expired(transaction& txn, utc_time cutoff, size_t limit) {
  auto keys = expired_keys(txn, cutoff, limit);
  if (!keys)
    return keys.error();
  return keys.value().size();
}

result<uint64_t> last(transaction& txn) {
  cursor cur{txn, db::feed};
  if (cur.seek_last_with_prefix(std::string_view{&event_tag, 1}))
    return position_of(cur.key());
  if (!cur.state())
    return cur.state().error();
  return uint64_t{0};
}

result<uint64_t> append(write_txn& txn, const contract_event& x) {
  if (x.contract.empty() || x.type.empty())
    return make_failure(error_code::invalid_input,
                        "feed store: an event needs a contract and a type");
  auto previous = last(txn);
  if (!previous)
    return previous.error();
  auto position = *previous + 1;
  if (auto st = txn.put(db::feed, event_key(position), codec::encode(x)); !st)
    return st.error();
  return position;
}

result<std::vector<contract_event>> after(transaction& txn, uint64_t after,
                                          size_t limit) {
  std::vector<contract_event> result;
  cursor cur{txn, db::feed};
  for (bool found = cur.seek(event_key(after + 1));
       found && result.size() < limit && !cur.key().empty()
       && cur.key()[0] == event_tag;
       found = cur.next()) {
    auto position = position_of(cur.key());
    if (!position)
      return position.error();
    contract_event x;
    if (auto st = codec::decode(cur.value(), x, db::feed,
                                keys::printable(cur.key()));
        !st)
      return st.error();
    x.position = *position;
    result.push_back(std::move(x));
  }
  if (!cur.state())
    return cur.state().error();
  return result;
}

} // namespace onset::persistence::feed_store
