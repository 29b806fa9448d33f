#include "persistence/format_upgrade.hpp"

#include <string>

#include "messages/error_code.hpp"
#include "persistence/contract_store.hpp"
#include "persistence/environment.hpp"
#include "persistence/history_store.hpp"

namespace onset::persistence {

result<size_t> upgrade_format(write_txn& txn, uint32_t from) {
  size_t rewritten = 0;
  for (auto version = from; version < environment::format_version; ++version) {
    switch (version) {
      case 1: {
        auto n = contract_store::upgrade_from_format_1(txn);
        if (!n)
          return n.error();
        rewritten += *n;
        break;
      }
      case 2: {
        auto n = history_store::upgrade_from_format_2(txn);
        if (!n)
          return n.error();
        rewritten += *n;
        break;
      }
      case 3:
        // Format 4 adds what format 3 cannot hold (a `skip` step, an
        // `abandoned` history line, content digests); nothing to rewrite.
        break;
      case 4:
        // Format 5 adds service streams about one printer (key kind 2,
        // stream_id version 2) and degraded printers in a contract's status
        // (contract_status version 2). A shared service stream of format 4
        // stays readable and is delivered to its end; nothing to rewrite.
        break;
      case 5:
        // Format 6 adds the event feed (db feed, persistence/feed_store.hpp),
        // empty until the first change after the upgrade; nothing to
        // rewrite.
        break;
      default:
        return make_failure(error_code::format_mismatch,
                            "no upgrade from format "
                              + std::to_string(version));
    }
  }
  return rewritten;
}

} // namespace onset::persistence
