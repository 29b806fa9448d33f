#include "persistence/history_store.hpp"

#include <optional>

#include "messages/error_code.hpp"
#include "persistence/codec.hpp"
#include "persistence/keys.hpp"

namespace onset::persistence::history_store {

namespace {

constexpr char history_tag = 'H';

std::string history_prefix(const contract_id& contract) {
  std::string key{history_tag};
  keys::put_str(key, contract.str());
  return key;
}

std::string entry_text(const contract_id& contract, uint64_t index) {
  return keys::printable(contract.str()) + " #" + std::to_string(index);
}

} // namespace

result<uint64_t> append(write_txn& txn, const contract_id& contract,
                        const std::vector<history_entry>& xs) {
  if (contract.empty())
    return make_failure(error_code::invalid_input,
                        "history store: an entry needs a contract");
  if (xs.empty())
    return make_failure(error_code::invalid_input,
                        "history store: an append needs at least one line");
  auto prefix = history_prefix(contract);
  uint64_t last = 0;
  {
    cursor cur{txn, db::history};
    if (cur.seek_last_with_prefix(prefix)) {
      auto rest = cur.key().substr(prefix.size());
      auto index = keys::get_be64(rest);
      if (!index || !rest.empty())
        return make_failure(error_code::corrupt_record,
                            "db=history key=" + keys::printable(cur.key())
                              + ": malformed key");
      last = *index;
    } else if (!cur.state()) {
      return cur.state().error();
    }
  }
  auto key = prefix;
  keys::put_be64(key, last + xs.size());
  if (auto st = txn.put(db::history, key, codec::encode(xs)); !st)
    return st.error();
  return last + xs.size();
}

result<uint64_t> append(write_txn& txn, const contract_id& contract,
                        const history_entry& x) {
  return append(txn, contract, std::vector<history_entry>{x});
}

result<std::vector<history_entry>> list(transaction& txn,
                                        const contract_id& contract) {
  auto prefix = history_prefix(contract);
  std::vector<history_entry> out;
  std::optional<failure> bad;
  auto st = scan_prefix(txn, db::history, prefix,
                        [&](std::string_view key, std::string_view value) {
                          auto rest = key.substr(prefix.size());
                          auto index = keys::get_be64(rest);
                          std::vector<history_entry> lines;
                          auto decoded = codec::decode(
                            value, lines, db::history,
                            entry_text(contract, index ? *index : 0));
                          if (!decoded) {
                            bad = decoded.error();
                            return false;
                          }
                          for (auto& x : lines)
                            out.emplace_back(std::move(x));
                          return true;
                        });
  if (!st)
    return st.error();
  if (bad)
    return *bad;
  return out;
}

result<size_t> upgrade_from_format_2(write_txn& txn) {
  std::vector<std::pair<std::string, history_entry>> old;
  std::optional<failure> bad;
  auto st = scan_prefix(txn, db::history, std::string_view{&history_tag, 1},
                        [&](std::string_view key, std::string_view value) {
                          history_entry x;
                          auto decoded = codec::decode(value, x, db::history,
                                                       keys::printable(key));
                          if (!decoded) {
                            bad = decoded.error();
                            return false;
                          }
                          old.emplace_back(std::string{key}, std::move(x));
                          return true;
                        });
  if (!st)
    return st.error();
  if (bad)
    return *bad;
  for (auto& [key, x] : old)
    if (auto ok = txn.put(db::history, key,
                          codec::encode(std::vector<history_entry>{x}));
        !ok)
      return ok.error();
  return old.size();
}

} // namespace onset::persistence::history_store
