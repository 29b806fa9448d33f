// The workload of the crash test, shared by the child process that writes
// it (crash_helper.cpp) and the parent that checks what survived.
//
// Batch b writes, in one write batch: printers `b<b>-0` .. `b<b>-<n-1>`
// (n = 1 + b % 7), instruction b / lanes + 1 of stream `crash>device/lane-L`
// (L = b % lanes), and history entry `batch=<b>` of contract `crash`. The
// writer runs rounds of `lanes` batches and starts a round only when the
// previous one is acknowledged.
#pragma once

#include <cstdint>
#include <string>

#include "messages/device_state.hpp"
#include "messages/history_entry.hpp"
#include "messages/instruction.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::test::crash {

inline constexpr uint64_t lanes = 4;

int records_in(uint64_t batch);
std::string device_name(uint64_t batch, int index);
device_state device_of(uint64_t batch, int index);
stream_id lane_stream(uint64_t lane);
instruction instruction_of(uint64_t batch);
history_entry history_of(uint64_t batch);
contract_id history_contract();

/// Writes batch `batch` into `txn`.
persistence::status write(persistence::write_txn& txn, uint64_t batch);

} // namespace onset::test::crash
