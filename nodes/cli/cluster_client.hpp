// Every node of the cluster and its status, asked of a gateway node's
// loopback CAF port (the benchmarks' local clusters; `onset cluster` asks
// the HTTP API). Keeps CAF out of the caller; the connect and the request
// each wait at most `timeout`.
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
