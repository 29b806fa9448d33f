#include "persistence/device_store.hpp"

#include "messages/error_code.hpp"
#include "persistence/codec.hpp"
#include "persistence/keys.hpp"

namespace onset::persistence::device_store {

namespace {

constexpr char device_tag = 'D';

std::string device_key(const device_id& id) {
  std::string key{device_tag};
  keys::put_str(key, id.str());
  return key;
}

} // namespace

status put(write_txn& txn, const device_state& x) {
  if (x.registration.id.empty())
    return make_failure(error_code::invalid_input,
                        "device store: a printer needs an id");
  return txn.put(db::devices, device_key(x.registration.id), codec::encode(x));
}

result<bool> remove(write_txn& txn, const device_id& id) {
  return txn.del(db::devices, device_key(id));
}

result<std::optional<device_state>> get(transaction& txn, const device_id& id) {
  return codec::get<device_state>(txn, db::devices, device_key(id),
                                  keys::printable(id.str()));
}

status for_each(transaction& txn,
                const std::function<void(const device_state&)>& fn,
                const corrupt_handler& on_corrupt) {
  return scan_prefix(txn, db::devices, std::string_view{&device_tag, 1},
                     [&](std::string_view key, std::string_view value) {
                       auto rest = key.substr(1);
                       auto id = keys::get_str(rest);
                       device_state x;
                       auto st = codec::decode(value, x, db::devices,
                                               keys::printable(id ? *id : key));
                       if (st)
                         fn(x);
                       else
                         codec::report_corrupt(on_corrupt, st.error());
                       return true;
                     });
}

result<uint64_t> count(transaction& txn) {
  return txn.count(db::devices);
}

} // namespace onset::persistence::device_store
