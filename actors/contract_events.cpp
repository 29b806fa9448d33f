#include "actors/contract_events.hpp"

#include <cstdio>
#include <random>

namespace onset::actors::contract_events {

std::string new_event_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char text[33];
  std::snprintf(text, sizeof(text), "%016llx%016llx",
                static_cast<unsigned long long>(rng()),
                static_cast<unsigned long long>(rng()));
  return text;
}

contract_event& announce(contract_change& change, const contract_record& rec,
                         std::string type, utc_time at) {
  contract_event x;
  x.id = new_event_id();
  x.at = at;
  x.type = std::move(type);
  x.contract = rec.doc.id;
  x.version = rec.doc.version;
  x.customer = rec.doc.customer;
  x.by = change.by.name;
  change.announced.push_back(std::move(x));
  return change.announced.back();
}

void announce_state(contract_change& change, const contract_record& rec,
                    contract_state from, contract_state to,
                    const std::string& why, utc_time at) {
  auto& x = announce(change, rec, std::string{"contract."} + to_string(to), at);
  x.from = to_string(from);
  x.to = to_string(to);
  x.reason = why;
  if (to == contract_state::degraded) {
    if (!rec.reason.empty())
      x.reason = rec.reason;
    for (auto& [device, _] : rec.degraded_devices)
      x.devices.push_back(device);
  }
}

} // namespace onset::actors::contract_events
