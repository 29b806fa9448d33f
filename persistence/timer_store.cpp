#include "persistence/timer_store.hpp"

#include <utility>

#include "messages/error_code.hpp"
#include "persistence/codec.hpp"
#include "persistence/keys.hpp"

namespace onset::persistence::timer_store {

namespace {

constexpr char timer_tag = 'T';

std::string timer_key(const due_timer& x) {
  std::string key{timer_tag};
  keys::put_time(key, x.at);
  keys::put_u8(key, static_cast<uint8_t>(x.kind));
  keys::put_str(key, x.contract.str());
  return key;
}

std::string timer_text(std::string_view key) {
  auto rest = key.substr(1);
  auto at = keys::get_time(rest);
  auto kind = keys::get_u8(rest);
  auto contract = keys::get_str(rest);
  if (!at || !kind || !contract)
    return keys::printable(key);
  return at->to_rfc3339() + (*kind == 0 ? " start " : " end ")
         + keys::printable(*contract);
}

/// Decodes timers in key order while `keep(timer)` holds.
template <class Keep>
result<std::vector<due_timer>> collect(transaction& txn, Keep keep) {
  std::vector<due_timer> out;
  std::optional<failure> bad;
  auto st = scan_prefix(txn, db::timers, std::string_view{&timer_tag, 1},
                        [&](std::string_view key, std::string_view value) {
                          due_timer x;
                          auto decoded = codec::decode(value, x, db::timers,
                                                       timer_text(key));
                          if (!decoded) {
                            bad = decoded.error();
                            return false;
                          }
                          if (!keep(x))
                            return false;
                          out.emplace_back(std::move(x));
                          return true;
                        });
  if (!st)
    return st.error();
  if (bad)
    return *bad;
  return out;
}

} // namespace

status put(write_txn& txn, const due_timer& x) {
  if (x.contract.empty())
    return make_failure(error_code::invalid_input,
                        "timer store: a timer needs a contract");
  return txn.put(db::timers, timer_key(x), codec::encode(x));
}

result<bool> remove(write_txn& txn, const due_timer& x) {
  return txn.del(db::timers, timer_key(x));
}

result<std::vector<due_timer>> due(transaction& txn, utc_time now) {
  return collect(txn, [now](const due_timer& x) { return x.at <= now; });
}

result<std::optional<due_timer>> next(transaction& txn) {
  bool first = true;
  auto xs = collect(txn, [&first](const due_timer&) {
    return std::exchange(first, false);
  });
  if (!xs)
    return xs.error();
  if (xs->empty())
    return std::optional<due_timer>{};
  return std::optional<due_timer>{std::move(xs->front())};
}

result<std::vector<due_timer>> all(transaction& txn) {
  return collect(txn, [](const due_timer&) { return true; });
}

} // namespace onset::persistence::timer_store
