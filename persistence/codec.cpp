#include "persistence/codec.hpp"

#include "messages/log.hpp"
#include "persistence/archive.hpp"
#include "persistence/serialization.hpp"

namespace onset::persistence::codec {

#define ONSET_CODEC(type)                                                      \
  std::string encode(const type& x) {                                          \
    return encode_archive(x);                                                  \
  }                                                                            \
  status decode(std::string_view bytes, type& x, db which,                     \
                std::string_view key_text) {                                   \
    return decode_archive(bytes, x, which, key_text);                          \
  }

ONSET_CODEC(contract_record)
ONSET_CODEC(contract)
ONSET_CODEC(contract_status)
ONSET_CODEC(device_ledger)
ONSET_CODEC(service_ledger)
ONSET_CODEC(instruction)
ONSET_CODEC(device_state)
ONSET_CODEC(service_device_state)
ONSET_CODEC(due_timer)
ONSET_CODEC(history_entry)
ONSET_CODEC(std::vector<history_entry>)
ONSET_CODEC(contract_event)

#undef ONSET_CODEC

void report_corrupt(const corrupt_handler& handler, const failure& x) {
  if (handler)
    handler(x);
  else
    log::error("lmdb.record_skipped", {{"reason", to_string(x)}});
}

} // namespace onset::persistence::codec
