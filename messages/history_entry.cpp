#include "messages/history_entry.hpp"

namespace onset {
inline namespace messages {

const char* to_string(history_kind x) {
  switch (x) {
    case history_kind::accepted:
      return "accepted";
    case history_kind::transition:
      return "transition";
    case history_kind::sent:
      return "sent";
    case history_kind::acked:
      return "acked";
    case history_kind::abandoned:
      return "abandoned";
    case history_kind::problem:
      return "problem";
  }
  return "unknown";
}

} // namespace messages
} // namespace onset
