#include "nodes/cluster/step_batcher.hpp"

namespace onset::cluster {

step_batcher::queued& step_batcher::queue_of(size_t owner) {
  if (owner >= queues_.size())
    queues_.resize(owner + 1);
  return queues_[owner];
}

bool step_batcher::queue(size_t owner, instruction x, promise rp) {
  auto& q = queue_of(owner);
  q.emplace_back(std::move(x), std::move(rp));
  return q.size() == 1;
}

bool step_batcher::full(size_t owner) const {
  return owner < queues_.size() && queues_[owner].size() >= max_batch;
}

step_batcher::batch step_batcher::take(size_t owner) {
  batch result;
  auto& q = queue_of(owner);
  result.first_token = next_token_;
  result.steps.reserve(q.size());
  for (auto& [x, rp] : q) {
    result.steps.push_back(std::move(x));
    waiting_.emplace(next_token_++,
                     waiting_step{std::move(rp), owner, generation_});
  }
  q.clear();
  return result;
}

size_t step_batcher::answer(std::vector<step_answer>& xs) {
  size_t answered = 0;
  for (auto& x : xs) {
    auto i = waiting_.find(x.token);
    if (i == waiting_.end())
      continue;
    if (x.error)
      i->second.rp.deliver(std::move(x.error));
    else
      i->second.rp.deliver(std::move(x.ack));
    waiting_.erase(i);
    ++answered;
  }
  return answered;
}

template <class Predicate>
size_t step_batcher::fail_waiting_if(Predicate pred, const caf::error& err) {
  size_t failed = 0;
  for (auto i = waiting_.begin(); i != waiting_.end();) {
    if (pred(i->second)) {
      i->second.rp.deliver(err);
      i = waiting_.erase(i);
      ++failed;
    } else {
      ++i;
    }
  }
  return failed;
}

size_t step_batcher::fail_owner(size_t owner, const caf::error& err) {
  auto& q = queue_of(owner);
  auto failed = q.size();
  for (auto& entry : q)
    entry.second.deliver(err);
  q.clear();
  return failed
         + fail_waiting_if(
           [owner](const waiting_step& x) { return x.owner == owner; }, err);
}

size_t step_batcher::expire(const caf::error& err) {
  auto expired = fail_waiting_if(
    [this](const waiting_step& x) { return x.generation < generation_; }, err);
  ++generation_;
  return expired;
}

uint64_t step_batcher::arm_tick() {
  if (tick_armed_)
    return 0;
  tick_armed_ = true;
  return ++tick_generation_;
}

bool step_batcher::tick_fired(uint64_t generation) {
  if (!tick_armed_ || generation != tick_generation_)
    return false;
  tick_armed_ = false;
  return true;
}

} // namespace onset::cluster
