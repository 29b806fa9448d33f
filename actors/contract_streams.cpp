#include "actors/contract_streams.hpp"

#include <algorithm>

namespace onset::actors {

void contract_streams::restore(const stream_id& stream, uint64_t last_seq,
                               uint64_t acked,
                               std::vector<instruction> pending) {
  auto& s = streams_[stream];
  s.last_seq = last_seq;
  s.acked = acked;
  for (auto& x : pending) {
    add_busy(x.device);
    auto seq = x.seq;
    s.pending.emplace(seq, entry{std::move(x), true});
  }
}

const instruction& contract_streams::add(instruction x) {
  auto& s = streams_[x.stream];
  x.seq = ++s.last_seq;
  add_busy(x.device);
  auto seq = x.seq;
  return s.pending.emplace(seq, entry{std::move(x), false}).first->second.x;
}

bool contract_streams::replace(instruction x) {
  auto i = streams_.find(x.stream);
  if (i == streams_.end())
    return false;
  auto j = i->second.pending.find(x.seq);
  if (j == i->second.pending.end())
    return false;
  j->second = entry{std::move(x), false};
  return true;
}

void contract_streams::mark_durable(const instruction& x) {
  auto i = streams_.find(x.stream);
  if (i == streams_.end())
    return;
  if (auto j = i->second.pending.find(x.seq); j != i->second.pending.end())
    j->second.durable = true;
}

std::vector<instruction> contract_streams::ack(const stream_id& stream,
                                               uint64_t seq) {
  std::vector<instruction> result;
  auto i = streams_.find(stream);
  if (i == streams_.end())
    return result;
  auto& s = i->second;
  if (seq <= s.acked)
    return result;
  s.acked = seq;
  while (!s.pending.empty() && s.pending.begin()->first <= seq) {
    remove_busy(s.pending.begin()->second.x.device);
    result.push_back(std::move(s.pending.begin()->second.x));
    s.pending.erase(s.pending.begin());
  }
  return result;
}

bool contract_streams::beyond_durable(const stream_id& stream,
                                      uint64_t seq) const {
  auto i = streams_.find(stream);
  if (i == streams_.end())
    return seq > 0;
  auto& s = i->second;
  if (seq > s.last_seq)
    return true;
  // Every seq up to `seq` is acked already or pending and durable.
  for (auto& [at, e] : s.pending)
    if (at <= seq && !e.durable)
      return true;
  return false;
}

const instruction* contract_streams::pending(const stream_id& stream,
                                             uint64_t seq) const {
  auto i = streams_.find(stream);
  if (i == streams_.end())
    return nullptr;
  auto j = i->second.pending.find(seq);
  if (j == i->second.pending.end() || !j->second.durable)
    return nullptr;
  return &j->second.x;
}

std::vector<instruction> contract_streams::all_pending() const {
  std::vector<instruction> result;
  for (auto& [stream, _] : streams_) {
    auto part = pending_of(stream);
    result.insert(result.end(), part.begin(), part.end());
  }
  return result;
}

std::vector<instruction>
contract_streams::pending_of(const stream_id& stream) const {
  std::vector<instruction> result;
  auto i = streams_.find(stream);
  if (i != streams_.end())
    for (auto& [_, e] : i->second.pending)
      if (e.durable)
        result.push_back(e.x);
  return result;
}

uint64_t contract_streams::acked(const stream_id& stream) const {
  auto i = streams_.find(stream);
  return i == streams_.end() ? 0 : i->second.acked;
}

std::vector<std::pair<stream_id, uint64_t>> contract_streams::at_rest() const {
  std::vector<std::pair<stream_id, uint64_t>> result;
  for (auto& [stream, s] : streams_)
    if (s.acked > 0 && s.pending.empty())
      result.emplace_back(stream, s.acked);
  return result;
}

uint64_t contract_streams::acked_total() const {
  uint64_t result = 0;
  for (auto& [_, s] : streams_)
    result += s.acked;
  return result;
}

uint64_t contract_streams::pending_total() const {
  uint64_t result = 0;
  for (auto& [_, s] : streams_)
    result += s.pending.size();
  return result;
}

void contract_streams::add_busy(const device_id& device) {
  ++busy_[device];
}

void contract_streams::remove_busy(const device_id& device) {
  auto i = busy_.find(device);
  if (i != busy_.end() && --i->second == 0)
    busy_.erase(i);
}

} // namespace onset::actors
