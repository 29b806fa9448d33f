#include "actors/contract_change.hpp"

#include <algorithm>
#include <iterator>

namespace onset::actors {

std::vector<due_timer> timers_of(const contract& doc) {
  return {due_timer{doc.start, doc.id, timer_kind::start},
          due_timer{doc.end, doc.id, timer_kind::end}};
}

namespace {

template <class T>
void append(std::vector<T>& to, std::vector<T>&& from) {
  if (to.empty()) {
    to = std::move(from);
    return;
  }
  to.insert(to.end(), std::make_move_iterator(from.begin()),
            std::make_move_iterator(from.end()));
}

} // namespace

void contract_change::drop_timers(const std::vector<due_timer>& timers) {
  for (auto& t : timers) {
    add_timers.erase(std::remove(add_timers.begin(), add_timers.end(), t),
                     add_timers.end());
    remove_timers.push_back(t);
  }
}

void contract_change::absorb(contract_change later) {
  append(appended, std::move(later.appended));
  append(replaced, std::move(later.replaced));
  append(acks, std::move(later.acks));
  append(history, std::move(later.history));
  append(events, std::move(later.events));
  append(announced, std::move(later.announced));
  drop_timers(later.remove_timers);
  append(add_timers, std::move(later.add_timers));
}

} // namespace onset::actors
