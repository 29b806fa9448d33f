#include "actors/step_budget.hpp"

#include <algorithm>
#include <cassert>

namespace onset::actors {

step_budget::step_budget(size_t limit) : limit_(limit) {
  assert(limit > 0);
}

bool step_budget::acquire_or_wait(holder_id holder, wake_fn wake) {
  std::lock_guard<std::mutex> guard{mutex_};
  // Permits free means nobody waits: a release hands its permit to the
  // queue's head at once.
  if (in_use_ < limit_) {
    grant_locked(holder);
    return true;
  }
  if (queued_.insert(holder).second) {
    queue_.emplace_back(holder, std::move(wake));
    ++waits_;
  }
  return false;
}

void step_budget::release(holder_id holder) {
  std::vector<wake_fn> wakes;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    auto i = held_.find(holder);
    if (i == held_.end())
      return;
    if (--i->second == 0)
      held_.erase(i);
    --in_use_;
    wakes = hand_out_locked();
  }
  call_all(wakes);
}

size_t step_budget::forget(holder_id holder) {
  std::vector<wake_fn> wakes;
  size_t returned = 0;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (queued_.erase(holder) > 0)
      queue_.erase(
        std::remove_if(queue_.begin(), queue_.end(),
                       [&](const auto& x) { return x.first == holder; }),
        queue_.end());
    if (auto i = held_.find(holder); i != held_.end()) {
      returned = i->second;
      in_use_ -= returned;
      held_.erase(i);
    }
    wakes = hand_out_locked();
  }
  call_all(wakes);
  return returned;
}

size_t step_budget::held_by(holder_id holder) const {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = held_.find(holder);
  return i == held_.end() ? 0 : i->second;
}

step_budget::figures step_budget::snapshot() const {
  std::lock_guard<std::mutex> guard{mutex_};
  return figures{limit_, in_use_, peak_in_use_, queue_.size(), waits_};
}

void step_budget::grant_locked(holder_id holder) {
  ++in_use_;
  peak_in_use_ = std::max(peak_in_use_, in_use_);
  ++held_[holder];
}

std::vector<step_budget::wake_fn> step_budget::hand_out_locked() {
  std::vector<wake_fn> wakes;
  while (in_use_ < limit_ && !queue_.empty()) {
    auto [holder, wake] = std::move(queue_.front());
    queue_.pop_front();
    queued_.erase(holder);
    grant_locked(holder);
    wakes.push_back(std::move(wake));
  }
  return wakes;
}

void step_budget::call_all(std::vector<wake_fn>& wakes) {
  for (auto& wake : wakes)
    if (wake)
      wake();
}

} // namespace onset::actors
