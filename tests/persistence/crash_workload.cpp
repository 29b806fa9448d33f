#include "tests/persistence/crash_workload.hpp"

#include "persistence/device_store.hpp"
#include "persistence/history_store.hpp"
#include "persistence/outbox_store.hpp"

namespace onset::test::crash {

int records_in(uint64_t batch) {
  return 1 + static_cast<int>(batch % 7);
}

std::string device_name(uint64_t batch, int index) {
  return "b" + std::to_string(batch) + "-" + std::to_string(index);
}

device_state device_of(uint64_t batch, int index) {
  device_state x;
  x.registration.id = device_id{device_name(batch, index)};
  x.registration.customer = customer_id{"crash"};
  // About 200 bytes per record.
  x.registration.model = std::string(160, 'a' + static_cast<char>(batch % 26));
  x.apps = {"app-" + std::to_string(batch)};
  x.values["index"] = setting_value::of_number(index);
  return x;
}

stream_id lane_stream(uint64_t lane) {
  return stream_id{contract_id{"crash"},
                   target::device(device_id{"lane-" + std::to_string(lane)})};
}

instruction instruction_of(uint64_t batch) {
  instruction x;
  x.stream = lane_stream(batch % lanes);
  x.seq = batch / lanes + 1;
  x.kind = step_kind::settings_apply;
  x.device = device_id{x.stream.to.name};
  x.values["batch"] = setting_value::of_number(static_cast<int64_t>(batch));
  return x;
}

history_entry history_of(uint64_t batch) {
  return history_entry{utc_time{static_cast<int64_t>(batch)},
                       history_kind::sent, "batch=" + std::to_string(batch)};
}

contract_id history_contract() {
  return contract_id{"crash"};
}

persistence::status write(persistence::write_txn& txn, uint64_t batch) {
  using namespace persistence;
  for (int i = 0; i < records_in(batch); ++i)
    if (auto st = device_store::put(txn, device_of(batch, i)); !st)
      return st;
  if (auto st = outbox_store::append(txn, instruction_of(batch)); !st)
    return st;
  if (auto index = history_store::append(txn, history_contract(),
                                         history_of(batch));
      !index)
    return index.error();
  return {};
}

} // namespace onset::test::crash
