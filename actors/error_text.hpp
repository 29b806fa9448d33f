// Readable text of a caf::error for log lines and error contexts, without an
// actor system at hand (caf::to_string renders an unregistered category's
// codes as numbers).
#pragma once

#include <string>

#include <caf/error.hpp>

namespace onset {

/// `refused`, `transient`, ... for Onset's category; CAF's rendering for
/// others.
std::string error_name(const caf::error& x);

/// `refused: application backup-agent needs firmware 3.0.0, ...`: the name
/// and, when the context is one string, that string.
std::string error_detail(const caf::error& x);

/// The context of an error when it is one string (the reason); else empty.
std::string error_reason(const caf::error& x);

} // namespace onset
