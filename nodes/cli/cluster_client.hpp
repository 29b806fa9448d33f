// The one question `onset cluster` asks the GATEWAY: every node of the
// cluster and its status. Keeps CAF out of the command file; the connect
// and the request each wait at most `timeout`.
#pragma once

#include <chrono>
#include <vector>

#include "messages/node_status.hpp"
#include "nodes/cli/endpoint.hpp"
#include "nodes/cli/gateway_client.hpp"

namespace onset::cli {

reply<std::vector<node_status>>
fetch_cluster_status(const endpoint& gateway,
                     std::chrono::milliseconds timeout);

} // namespace onset::cli
