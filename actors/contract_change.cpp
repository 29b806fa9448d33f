#include "actors/contract_change.hpp"

namespace onset {

std::vector<due_timer> timers_of(const contract& doc) {
  return {due_timer{doc.start, doc.id, timer_kind::start},
          due_timer{doc.end, doc.id, timer_kind::end}};
}

} // namespace onset
