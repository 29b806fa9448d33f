#include "persistence/contract_store.hpp"

#include <string>
#include <utility>
#include <vector>

#include "messages/error_code.hpp"
#include "persistence/codec.hpp"
#include "persistence/environment.hpp"
#include "persistence/keys.hpp"

namespace onset::persistence::contract_store {

namespace {

constexpr char contract_tag = 'C';
constexpr char event_tag = 'E';

// The part tags after 'C' id:str (format 2).
constexpr char document_part = 'D';
constexpr char status_part = 'S';
constexpr char device_part = 'L';
constexpr char service_part = 'V';

std::string contract_prefix(std::string_view id) {
  std::string key{contract_tag};
  keys::put_str(key, id);
  return key;
}

std::string part_key(const contract_id& id, char part) {
  auto key = contract_prefix(id.str());
  key.push_back(part);
  return key;
}

std::string device_key(const contract_id& id, const device_id& dev) {
  auto key = part_key(id, device_part);
  keys::put_str(key, dev.str());
  return key;
}

std::string service_key(const contract_id& id, const service_id& svc,
                        const device_id& dev) {
  auto key = part_key(id, service_part);
  keys::put_str(key, svc.str());
  keys::put_str(key, dev.str());
  return key;
}

std::string event_key(const std::string& event_id) {
  std::string key{event_tag};
  keys::put_str(key, event_id);
  return key;
}

failure corrupt(const std::string& key_text, const std::string& why) {
  return make_failure(error_code::corrupt_record,
                      "db=contracts key=" + key_text + ": " + why);
}

/// Builds one contract's record from its parts, fed in key order.
class record_parts {
public:
  explicit record_parts(std::string id) : id_(std::move(id)) {
  }

  const std::string& id() const {
    return id_;
  }

  /// `part` is the key after the contract prefix.
  void add(std::string_view part, std::string_view value) {
    if (bad_)
      return;
    auto text = keys::printable(id_);
    if (part.empty()) {
      bad_ = corrupt(text, "a format 1 record (the whole contract under one "
                           "key) in a store of format "
                             + std::to_string(environment::format_version));
      return;
    }
    auto tag = part.front();
    part.remove_prefix(1);
    switch (tag) {
      case document_part:
        if (part.empty()) {
          check(
            codec::decode(value, rec_.doc, db::contracts, text + "/document"));
          has_doc_ = true;
          return;
        }
        break;
      case status_part:
        if (part.empty()) {
          contract_status s;
          if (check(codec::decode(value, s, db::contracts, text + "/status")))
            set_status(rec_, std::move(s));
          has_status_ = true;
          return;
        }
        break;
      case device_part:
        if (auto dev = keys::get_str(part); dev && part.empty()) {
          auto where = text + "/device/" + keys::printable(*dev);
          check(codec::decode(value,
                              rec_.ledger.devices[device_id{std::string{*dev}}],
                              db::contracts, where));
          return;
        }
        break;
      case service_part: {
        auto svc = keys::get_str(part);
        auto dev = svc ? keys::get_str(part) : std::nullopt;
        if (dev && part.empty()) {
          auto where = text + "/service/" + keys::printable(*svc) + "/"
                       + keys::printable(*dev);
          check(codec::decode(value,
                              rec_.ledger.services[service_id{std::string{
                                *svc}}][device_id{std::string{*dev}}],
                              db::contracts, where));
          return;
        }
        break;
      }
      default:
        break;
    }
    bad_ = corrupt(text, "malformed part key " + keys::printable(part));
  }

  result<contract_record> finish() {
    auto text = keys::printable(id_);
    if (bad_)
      return *bad_;
    if (!has_doc_)
      return corrupt(text, "parts without a document");
    if (!has_status_)
      return corrupt(text, "a document without a status");
    if (rec_.doc.id.str() != id_)
      return corrupt(text + "/document",
                     "the document is of contract "
                       + keys::printable(rec_.doc.id.str()));
    return std::move(rec_);
  }

private:
  bool check(const status& st) {
    if (!st && !bad_)
      bad_ = st.error();
    return static_cast<bool>(st);
  }

  std::string id_;
  contract_record rec_;
  bool has_doc_ = false;
  bool has_status_ = false;
  std::optional<failure> bad_;
};

status erase_parts(write_txn& txn, const contract_id& id) {
  std::vector<std::string> old;
  auto st = scan_prefix(txn, db::contracts, contract_prefix(id.str()),
                        [&](std::string_view key, std::string_view) {
                          old.emplace_back(key);
                          return true;
                        });
  if (!st)
    return st;
  for (auto& key : old)
    if (auto gone = txn.del(db::contracts, key); !gone)
      return gone.error();
  return {};
}

} // namespace

status put(write_txn& txn, const contract_record& x) {
  if (x.doc.id.empty())
    return make_failure(error_code::invalid_input,
                        "contract store: a contract needs an id");
  if (auto st = erase_parts(txn, x.doc.id); !st)
    return st;
  contract_delta all;
  all.doc = x.doc;
  all.status = status_of(x);
  for (auto& [dev, ledger] : x.ledger.devices)
    all.devices.emplace_back(dev, ledger);
  for (auto& [svc, per_device] : x.ledger.services)
    for (auto& [dev, ledger] : per_device)
      all.services.push_back(service_ledger_change{svc, dev, ledger});
  return write(txn, x.doc.id, all);
}

status write(write_txn& txn, const contract_id& id, const contract_delta& d) {
  if (id.empty())
    return make_failure(error_code::invalid_input,
                        "contract store: a contract needs an id");
  if (d.doc && d.doc->id != id)
    return make_failure(error_code::invalid_input,
                        "contract store: the document of " + d.doc->id.str()
                          + " written as contract " + id.str());
  if (d.doc)
    if (auto st = txn.put(db::contracts, part_key(id, document_part),
                          codec::encode(*d.doc));
        !st)
      return st;
  if (d.status)
    if (auto st = txn.put(db::contracts, part_key(id, status_part),
                          codec::encode(*d.status));
        !st)
      return st;
  for (auto& [dev, ledger] : d.devices) {
    auto key = device_key(id, dev);
    if (!ledger) {
      if (auto gone = txn.del(db::contracts, key); !gone)
        return gone.error();
    } else if (auto st = txn.put(db::contracts, key, codec::encode(*ledger));
               !st) {
      return st;
    }
  }
  for (auto& c : d.services) {
    auto key = service_key(id, c.service, c.device);
    if (!c.ledger) {
      if (auto gone = txn.del(db::contracts, key); !gone)
        return gone.error();
    } else if (auto st = txn.put(db::contracts, key, codec::encode(*c.ledger));
               !st) {
      return st;
    }
  }
  return {};
}

result<std::optional<contract_record>> get(transaction& txn,
                                           const contract_id& id) {
  auto prefix = contract_prefix(id.str());
  record_parts parts{id.str()};
  bool any = false;
  auto st = scan_prefix(txn, db::contracts, prefix,
                        [&](std::string_view key, std::string_view value) {
                          key.remove_prefix(prefix.size());
                          parts.add(key, value);
                          any = true;
                          return true;
                        });
  if (!st)
    return st.error();
  if (!any)
    return std::optional<contract_record>{};
  auto rec = parts.finish();
  if (!rec)
    return rec.error();
  return std::optional<contract_record>{std::move(*rec)};
}

status for_each(transaction& txn,
                const std::function<void(const contract_record&)>& fn,
                const corrupt_handler& on_corrupt) {
  std::optional<record_parts> current;
  auto emit = [&] {
    if (!current)
      return;
    if (auto rec = current->finish())
      fn(*rec);
    else
      codec::report_corrupt(on_corrupt, rec.error());
    current.reset();
  };
  auto st = scan_prefix(txn, db::contracts, std::string_view{&contract_tag, 1},
                        [&](std::string_view key, std::string_view value) {
                          auto rest = key.substr(1);
                          auto id = keys::get_str(rest);
                          if (!id) {
                            emit();
                            codec::report_corrupt(
                              on_corrupt,
                              corrupt(keys::printable(key.substr(1)),
                                      "malformed contract key"));
                            return true;
                          }
                          if (current && current->id() != *id)
                            emit();
                          if (!current)
                            current.emplace(std::string{*id});
                          current->add(rest, value);
                          return true;
                        });
  if (!st)
    return st;
  emit();
  return {};
}

status for_each_status(transaction& txn,
                       const std::function<void(const contract_status&)>& fn,
                       const corrupt_handler& on_corrupt) {
  return scan_prefix(txn, db::contracts, std::string_view{&contract_tag, 1},
                     [&](std::string_view key, std::string_view value) {
                       auto rest = key.substr(1);
                       auto id = keys::get_str(rest);
                       if (!id || rest != std::string_view{&status_part, 1})
                         return true;
                       contract_status x;
                       auto where = keys::printable(*id) + "/status";
                       if (auto st = codec::decode(value, x, db::contracts,
                                                   where))
                         fn(x);
                       else
                         codec::report_corrupt(on_corrupt, st.error());
                       return true;
                     });
}

result<size_t> upgrade_from_format_1(write_txn& txn) {
  std::vector<contract_record> old;
  std::optional<failure> bad;
  auto st = scan_prefix(
    txn, db::contracts, std::string_view{&contract_tag, 1},
    [&](std::string_view key, std::string_view value) {
      auto rest = key.substr(1);
      auto id = keys::get_str(rest);
      auto text = keys::printable(id ? *id : key.substr(1));
      if (!id || !rest.empty()) {
        bad = corrupt(text, "not a format 1 contract key");
        return false;
      }
      contract_record x;
      if (auto ok = codec::decode(value, x, db::contracts, text); !ok) {
        bad = ok.error();
        return false;
      }
      if (x.doc.id.str() != *id) {
        bad = corrupt(text, "the record is of contract "
                              + keys::printable(x.doc.id.str()));
        return false;
      }
      old.push_back(std::move(x));
      return true;
    });
  if (!st)
    return st.error();
  if (bad)
    return *bad;
  for (auto& x : old)
    if (auto ok = put(txn, x); !ok)
      return ok.error();
  return old.size();
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
                        "event " + event_id + " was ingested for contract "
                          + (*known)->str() + ", not " + contract.str());
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
                        "db=events key=" + keys::printable(event_id)
                          + ": empty contract id");
  return std::optional<contract_id>{contract_id{std::string{**bytes}}};
}

} // namespace onset::persistence::contract_store
