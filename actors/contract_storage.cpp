#include "actors/contract_storage.hpp"

#include <algorithm>

#include "persistence/contract_store.hpp"
#include "persistence/feed_store.hpp"
#include "persistence/history_store.hpp"
#include "persistence/outbox_store.hpp"
#include "persistence/timer_store.hpp"

namespace onset::actors::contract_storage {

using namespace persistence;

namespace {

result<actors::stored_stream> load_stream(transaction& txn, const stream_id& id,
                                          bool with_done) {
  actors::stored_stream result;
  result.stream = id;
  auto last = outbox_store::last_seq(txn, id);
  if (!last)
    return last.error();
  auto acked = outbox_store::acked(txn, id);
  if (!acked)
    return acked.error();
  auto pending = outbox_store::pending(txn, id);
  if (!pending)
    return pending.error();
  result.last_seq = *last;
  result.acked = *acked;
  result.pending = std::move(*pending);
  if (with_done) {
    for (uint64_t seq = 1; seq <= result.acked; ++seq) {
      auto x = outbox_store::get(txn, id, seq);
      if (!x)
        return x.error();
      if (*x)
        result.done.push_back(std::move(**x));
    }
  }
  return result;
}

/// Runs `fn` inside a fresh read transaction.
template <class F>
auto with_reader(environment& env, F fn)
  -> decltype(fn(std::declval<transaction&>())) {
  auto txn = env.begin_read();
  if (!txn)
    return txn.error();
  return fn(txn);
}

/// What one change writes to one stream of the outbox.
struct stream_writes {
  const stream_id* stream;
  std::vector<const instruction*> appended;
  uint64_t ack = 0;
};

/// The change's appends and acks by stream, in the order their streams
/// first appear, appends in their order: writing each stream's appends and
/// then its highest ack has the effect of every append and then every ack
/// in order (an ack at or below the watermark is a no-op), with one read
/// and one write of the stream's watermarks.
std::vector<stream_writes>
outbox_writes(const actors::contract_change& change) {
  std::vector<stream_writes> out;
  auto of = [&out](const stream_id& stream) -> stream_writes& {
    for (auto& s : out)
      if (*s.stream == stream)
        return s;
    return out.emplace_back(stream_writes{&stream, {}, 0});
  };
  for (auto& x : change.appended)
    of(x.stream).appended.push_back(&x);
  for (auto& a : change.acks) {
    auto& s = of(a.stream);
    s.ack = std::max(s.ack, a.seq);
  }
  return out;
}

} // namespace

result<std::optional<actors::stored_contract>>
load(environment& env, const contract_id& id, bool with_done) {
  return with_reader(
    env,
    [&](transaction& txn) -> result<std::optional<actors::stored_contract>> {
      auto rec = contract_store::get(txn, id);
      if (!rec)
        return rec.error();
      if (!*rec)
        return std::optional<stored_contract>{};
      stored_contract result;
      result.record = std::move(**rec);
      auto streams = outbox_store::streams_of(txn, id);
      if (!streams)
        return streams.error();
      for (auto& s : *streams) {
        auto loaded = load_stream(txn, s, with_done);
        if (!loaded)
          return loaded.error();
        result.streams.push_back(std::move(*loaded));
      }
      return std::optional<stored_contract>{std::move(result)};
    });
}

result<std::vector<contract_record>> load_records(environment& env) {
  return with_reader(
    env, [&](transaction& txn) -> result<std::vector<contract_record>> {
      std::vector<contract_record> result;
      auto ok = contract_store::for_each(txn, [&](const contract_record& x) {
        result.push_back(x);
      });
      if (!ok)
        return ok.error();
      return result;
    });
}

result<std::optional<contract_id>> find_event(environment& env,
                                              const std::string& event_id) {
  return with_reader(env, [&](transaction& txn) {
    return contract_store::find_event(txn, event_id);
  });
}

result<std::vector<instruction>> sent(environment& env, const stream_id& stream,
                                      uint64_t from, uint64_t to) {
  return with_reader(
    env, [&](transaction& txn) -> result<std::vector<instruction>> {
      std::vector<instruction> result;
      for (auto seq = from; seq <= to; ++seq) {
        auto x = outbox_store::get(txn, stream, seq);
        if (!x)
          return x.error();
        if (!*x)
          return make_failure(error_code::corrupt_record,
                              "db=outbox: instruction " + stream.to_string()
                                + " seq=" + std::to_string(seq)
                                + " is missing");
        result.push_back(std::move(**x));
      }
      return result;
    });
}

result<std::vector<due_timer>> due_timers(environment& env, utc_time now) {
  return with_reader(env, [&](transaction& txn) {
    return timer_store::due(txn, now);
  });
}

result<std::optional<due_timer>> next_timer(environment& env) {
  return with_reader(env,
                     [&](transaction& txn) { return timer_store::next(txn); });
}

result<std::vector<history_entry>> history(environment& env,
                                           const contract_id& id) {
  return with_reader(env, [&](transaction& txn) {
    return history_store::list(txn, id);
  });
}

write_batch batch(const contract_id& id, actors::contract_change change) {
  return batch(id, std::make_shared<const contract_change>(std::move(change)));
}

write_batch batch(const contract_id& id,
                  std::shared_ptr<const contract_change> shared) {
  return [id, shared = std::move(shared)](write_txn& txn) -> caf::error {
    auto& change = *shared;
    if (change.record)
      if (auto ok = contract_store::put(txn, *change.record); !ok)
        return to_error(ok);
    if (change.delta)
      if (auto ok = contract_store::write(txn, id, *change.delta); !ok)
        return to_error(ok);
    for (auto& x : change.replaced)
      if (auto ok = outbox_store::replace(txn, x); !ok)
        return to_error(ok);
    for (auto& s : outbox_writes(change))
      if (auto ok = outbox_store::advance(txn, *s.stream, s.appended, s.ack);
          !ok)
        return to_error(ok.error());
    if (!change.history.empty())
      if (auto ok = history_store::append(txn, id, change.history); !ok)
        return to_error(ok.error());
    for (auto& t : change.remove_timers)
      if (auto ok = timer_store::remove(txn, t); !ok)
        return to_error(ok.error());
    for (auto& t : change.add_timers)
      if (auto ok = timer_store::put(txn, t); !ok)
        return to_error(ok);
    for (auto& e : change.events)
      if (auto ok = contract_store::remember_event(txn, e, id); !ok)
        return to_error(ok);
    for (auto& e : change.announced)
      if (auto ok = feed_store::append(txn, e); !ok)
        return to_error(ok.error());
    return caf::none;
  };
}

} // namespace onset::actors::contract_storage
