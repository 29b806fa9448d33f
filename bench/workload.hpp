// The documents onset-bench submits: printers of one customer on old
// firmware (so every service needs a firmware step), and contracts over
// consecutive printers, each with the same services. No CAF.
#pragma once

#include <string>
#include <vector>

#include "messages/contract.hpp"
#include "messages/device_record.hpp"

namespace onset::bench {

/// The catalog's services in the order `--services S` takes the first S.
const std::vector<std::string>& service_order();

/// Printers `prefix`-000001 .. `prefix`-`count` (1-based, `first` onward).
std::vector<device_record> devices(const std::string& prefix, int first,
                                   int count);

/// The id of printer `i` of `prefix`.
device_id device_name(const std::string& prefix, int i);

/// Contract `id` over `printers` with the first `services` services,
/// starting at `start` (seconds since the epoch), ending ten years later.
contract contract_of(const std::string& id,
                     const std::vector<device_id>& printers, int services,
                     int64_t start);

} // namespace onset::bench
