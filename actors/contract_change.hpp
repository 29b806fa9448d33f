// Everything one event changes of one contract, committed in one write
// transaction: the contract record (whole, or only what changed of it),
// outbox appends and acks, history lines, due timers, ingested event ids and
// the contract events that announce it (persistence/feed_store.hpp).
// The CONTRACT actor sends an instruction only after the change that
// appended it is committed (outbox first). Changes made while a commit is in
// flight are merged (`absorb`) into one, written as one batch after it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "messages/contract.hpp"
#include "messages/contract_event.hpp"
#include "messages/contract_record.hpp"
#include "messages/due_timer.hpp"
#include "messages/history_entry.hpp"
#include "messages/instruction.hpp"
#include "messages/requester.hpp"
#include "persistence/contract_delta.hpp"

namespace onset::actors {

struct contract_change {
  /// The whole record, replacing every stored part (a new contract).
  std::optional<contract_record> record;
  /// Only what changed of the stored record (the CONTRACT actor's writes).
  /// Written after `record` if both are set.
  std::optional<persistence::contract_delta> delta;
  std::vector<instruction> appended;
  /// Pending instructions rewritten in place (an abandoned step's `skip`),
  /// written before the appends and acks.
  std::vector<instruction> replaced;
  std::vector<instruction_ack> acks;
  std::vector<history_entry> history;
  std::vector<due_timer> add_timers;
  std::vector<due_timer> remove_timers;
  /// Ingested event ids (a submission's or a start's `event_id`).
  std::vector<std::string> events;
  /// What the feed announces of this change, in order.
  std::vector<contract_event> announced;
  /// Who asked for this change: its history lines of kind `accepted` and
  /// `transition` end in `by=NAME` (messages/requester.hpp). Not written
  /// itself, and not merged by `absorb`: the lines carry it.
  requester by;

  bool empty() const {
    return !record && !delta && appended.empty() && replaced.empty()
           && acks.empty() && history.empty() && add_timers.empty()
           && remove_timers.empty() && events.empty() && announced.empty();
  }

  /// Removes `timers` (and no longer adds them): removals accumulate, so
  /// that several reasons in one change (a renewal's old dates, then its
  /// end) each remove theirs.
  void drop_timers(const std::vector<due_timer>& timers);

  /// Merges `later`, a change made after this one, so that writing the
  /// result has the effect of writing this one and then `later`: lists are
  /// appended in order (outbox appends, acks, history, events, announced); a
  /// timer `later` removes is no longer added (the batch removes timers before
  /// it adds them). REQUIRES: neither carries a `delta` or a `record` (the
  /// CONTRACT actor computes the record's delta when it writes the merge).
  void absorb(contract_change later);
};

/// The start and end timers of a contract, as the timer store keys them.
std::vector<due_timer> timers_of(const contract& doc);

} // namespace onset::actors
