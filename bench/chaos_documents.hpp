// What an onset-chaos run writes and copies (docs/chaos.md): the run's
// own kiosk service, the services of a workload contract's documents, the
// dates in them, and the copy of a devices node's store for the restore
// move. No CAF in this header.
#pragma once

#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/chaos_schedule.hpp"

namespace onset::bench {

/// The run's own service (service_mix::kiosk): an application and a
/// setting that needs it, on the firmware every printer is registered with,
/// so that installing the application is a printer's first step. Only the
/// catalog of the nodes other than d2 lists it: the simulated printers of
/// d2 refuse the application as unknown, as a printer model that cannot
/// take it would. (Through the fleet every catalog lists it, and the fleet
/// refuses the printers left behind: docs/chaos.md.)
nlohmann::json kiosk_service();

/// Copies the LMDB environment in `from` to `to` (a directory) with
/// mdb_env_copy2. MDB_CP_COMPACT copies from one read transaction and
/// never takes the writer's lock, which a SIGSTOPped node may hold. Returns
/// an error message, empty on success.
std::string copy_environment(const std::string& from, const std::string& to);

/// `t` as RFC 3339 in UTC, to the second.
std::string rfc3339(std::time_t t);

/// The `services` of contract `c`'s document at `version`.
nlohmann::json services_of(const chaos_contract& c, int version);

} // namespace onset::bench
