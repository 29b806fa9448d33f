// The certificate files of a cluster node (docs/cluster.md,
// "Certificates"), checked with OpenSSL before the node starts: CAF's
// OpenSSL module reads them only when a connection opens, and aborts the
// process on a file it cannot use. No CAF here.
#pragma once

#include <optional>

#include "config/cluster_file.hpp"
#include "messages/outcome.hpp"

namespace onset::config {

/// Refuses, naming the file and in OpenSSL's words, unless the CA
/// certificate loads, the node's certificate chain and key load and match,
/// and the certificate verifies against the CA (so that peers will accept
/// it).
std::optional<invalid_input> check_node_tls(const node_tls_files& files);

} // namespace onset::config
