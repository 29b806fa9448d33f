#include "persistence/contract_store.hpp"

#include "messages/error_code.hpp"
#include "persistence/codec.hpp"
#include "persistence/keys.hpp"

namespace onset::persistence::contract_store {

namespace {

constexpr char contract_tag = 'C';
constexpr char event_tag = 'E';

std::string contract_key(const contract_id& id) {
  std::string key{contract_tag};
  keys::put_str(key, id.str());
  return key;
}

std::string event_key(const std::string& event_id) {
  std::string key{event_tag};
  keys::put_str(key, event_id);
  return key;
}

} // namespace

status put(write_txn& txn, const contract_record& x) {
  if (x.doc.id.empty())
    return make_failure(error_code::invalid_input,
                        "contract store: a contract needs an id");
  return txn.put(db::contracts, contract_key(x.doc.id), codec::encode(x));
}

result<std::optional<contract_record>> get(transaction& txn,
                                           const contract_id& id) {
  return codec::get<contract_record>(txn, db::contracts, contract_key(id),
                                     keys::printable(id.str()));
}

status for_each(transaction& txn,
                const std::function<void(const contract_record&)>& fn,
                const corrupt_handler& on_corrupt) {
  return scan_prefix(txn, db::contracts, std::string_view{&contract_tag, 1},
                     [&](std::string_view key, std::string_view value) {
                       contract_record x;
                       key.remove_prefix(1);
                       auto id = keys::get_str(key);
                       auto st = codec::decode(value, x, db::contracts,
                                               keys::printable(id ? *id : key));
                       if (st)
                         fn(x);
                       else
                         codec::report_corrupt(on_corrupt, st.error());
                       return true;
                     });
}

status remember_event(write_txn& txn, const std::string& event_id,
                      const contract_id& contract) {
  if (event_id.empty() || contract.empty())
    return make_failure(error_code::invalid_input,
                        "contract store: an event needs an id and a contract");
  auto known = find_event(txn, event_id);
  if (!known)
    return known.error();
  if (*known) {
    if (**known == contract)
      return {};
    return make_failure(error_code::invalid_input,
                        "event " + event_id + " was ingested for contract " +
                            (*known)->str() + ", not " + contract.str());
  }
  return txn.put(db::events, event_key(event_id), contract.str());
}

result<std::optional<contract_id>> find_event(transaction& txn,
                                              const std::string& event_id) {
  auto bytes = txn.get(db::events, event_key(event_id));
  if (!bytes)
    return bytes.error();
  if (!*bytes)
    return std::optional<contract_id>{};
  if ((*bytes)->empty())
    return make_failure(error_code::corrupt_record,
                        "db=events key=" + keys::printable(event_id) +
                            ": empty contract id");
  return std::optional<contract_id>{contract_id{std::string{**bytes}}};
}

} // namespace onset::persistence::contract_store
