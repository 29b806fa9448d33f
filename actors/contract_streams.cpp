#include "actors/contract_streams.hpp"

#include <algorithm>

namespace onset::actors {

void contract_streams::restore(const stream_id& stream, uint64_t last_seq,
                               uint64_t acked,
                               std::vector<instruction> pending) {
  auto& s = streams_[stream];
  s.last_seq = last_seq;
  s.acked = acked;
  s.durable = last_seq;
  for (auto& x : pending) {
    add_busy(x.device);
    auto seq = x.seq;
    s.pending.emplace(seq, std::move(x));
  }
}

const instruction& contract_streams::add(instruction x) {
  auto& s = streams_[x.stream];
  x.seq = ++s.last_seq;
  add_busy(x.device);
  auto seq = x.seq;
  return s.pending.emplace(seq, std::move(x)).first->second;
}

void contract_streams::mark_durable(const instruction& x) {
  auto& s = streams_[x.stream];
  s.durable = std::max(s.durable, x.seq);
}

std::vector<instruction> contract_streams::ack(const stream_id& stream,
                                               uint64_t seq) {
  std::vector<instruction> result;
  auto i = streams_.find(stream);
  if (i == streams_.end())
    return result;
  auto& s = i->second;
  seq = std::min(seq, s.last_seq);
  if (seq <= s.acked)
    return result;
  s.acked = seq;
  while (!s.pending.empty() && s.pending.begin()->first <= seq) {
    remove_busy(s.pending.begin()->second.device);
    result.push_back(std::move(s.pending.begin()->second));
    s.pending.erase(s.pending.begin());
  }
  return result;
}

const instruction* contract_streams::pending(const stream_id& stream,
                                             uint64_t seq) const {
  auto i = streams_.find(stream);
  if (i == streams_.end())
    return nullptr;
  if (seq > i->second.durable)
    return nullptr;
  auto j = i->second.pending.find(seq);
  return j == i->second.pending.end() ? nullptr : &j->second;
}

std::vector<instruction> contract_streams::all_pending() const {
  std::vector<instruction> result;
  for (auto& [_, s] : streams_)
    for (auto& [seq, x] : s.pending)
      if (seq <= s.durable)
        result.push_back(x);
  return result;
}

std::vector<instruction>
contract_streams::pending_of(const stream_id& stream) const {
  std::vector<instruction> result;
  auto i = streams_.find(stream);
  if (i != streams_.end())
    for (auto& [seq, x] : i->second.pending)
      if (seq <= i->second.durable)
        result.push_back(x);
  return result;
}

uint64_t contract_streams::acked(const stream_id& stream) const {
  auto i = streams_.find(stream);
  return i == streams_.end() ? 0 : i->second.acked;
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
