// Everything one event changes of one contract, committed in one write
// transaction: the contract record, outbox appends and acks, history lines,
// due timers and ingested event ids. The CONTRACT actor sends an instruction
// only after the change that appended it is committed (outbox first).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "messages/contract.hpp"
#include "messages/contract_record.hpp"
#include "messages/due_timer.hpp"
#include "messages/history_entry.hpp"
#include "messages/instruction.hpp"

namespace onset {

struct contract_change {
  std::optional<contract_record> record;
  std::vector<instruction> appended;
  std::vector<instruction_ack> acks;
  std::vector<history_entry> history;
  std::vector<due_timer> add_timers;
  std::vector<due_timer> remove_timers;
  std::vector<std::string> events;

  bool empty() const {
    return !record && appended.empty() && acks.empty() && history.empty()
           && add_timers.empty() && remove_timers.empty() && events.empty();
  }
};

/// The start and end timers of a contract, as the timer store keys them.
std::vector<due_timer> timers_of(const contract& doc);

} // namespace onset
