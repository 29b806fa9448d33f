#include "persistence/contract_delta.hpp"

namespace onset::persistence {

namespace {

/// Calls `on_change(key, value or nullptr)` for every key whose value
/// differs between the sorted maps `before` and `after` (nullptr: the key
/// is gone in `after`).
template <class Map, class F>
void diff_maps(const Map& before, const Map& after, F on_change) {
  auto i = before.begin();
  auto j = after.begin();
  while (i != before.end() || j != after.end()) {
    if (j == after.end() || (i != before.end() && i->first < j->first)) {
      on_change(i->first, nullptr);
      ++i;
    } else if (i == before.end() || j->first < i->first) {
      on_change(j->first, &j->second);
      ++j;
    } else {
      if (!(i->second == j->second))
        on_change(j->first, &j->second);
      ++i;
      ++j;
    }
  }
}

} // namespace

contract_delta diff(const contract_record& before,
                    const contract_record& after) {
  contract_delta d;
  if (!(before.doc == after.doc))
    d.doc = after.doc;
  if (auto s = status_of(after); s != status_of(before))
    d.status = std::move(s);
  diff_maps(before.ledger.devices, after.ledger.devices,
            [&](const device_id& dev, const device_ledger* x) {
              d.devices.emplace_back(dev, x ? std::optional{*x} : std::nullopt);
            });
  static const std::map<device_id, service_ledger> none;
  diff_maps(before.ledger.services, after.ledger.services,
            [&](const service_id& svc,
                const std::map<device_id, service_ledger>* x) {
              auto i = before.ledger.services.find(svc);
              auto& old = i == before.ledger.services.end() ? none : i->second;
              diff_maps(old, x ? *x : none,
                        [&](const device_id& dev, const service_ledger* y) {
                          d.services.push_back(service_ledger_change{
                            svc, dev, y ? std::optional{*y} : std::nullopt});
                        });
            });
  return d;
}

void apply(const contract_delta& d, contract_record& x) {
  if (d.doc)
    x.doc = *d.doc;
  if (d.status)
    set_status(x, *d.status);
  for (auto& [dev, ledger] : d.devices) {
    if (ledger)
      x.ledger.devices[dev] = *ledger;
    else
      x.ledger.devices.erase(dev);
  }
  for (auto& c : d.services) {
    if (c.ledger) {
      x.ledger.services[c.service][c.device] = *c.ledger;
      continue;
    }
    auto i = x.ledger.services.find(c.service);
    if (i == x.ledger.services.end())
      continue;
    i->second.erase(c.device);
    if (i->second.empty())
      x.ledger.services.erase(i);
  }
}

} // namespace onset::persistence
