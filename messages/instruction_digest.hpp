// The content digest of an instruction: what a receiver keeps of each
// instruction it applied, so that the same seq arriving again with other
// content is told apart from a resend (a `conflict`, never an ack).
#pragma once

#include <string>

#include "messages/instruction.hpp"

namespace onset {
inline namespace messages {

/// SHA-256 (32 bytes, OpenSSL) of the instruction's content in a canonical
/// form of its own (kind, device, contract version, firmware, apps, values
/// by name; every field length-prefixed). Stream and seq are not part of it:
/// they are the key it is kept under. Independent of the storage format, so
/// digests survive a format upgrade.
std::string content_digest(const instruction& x);

} // namespace messages
} // namespace onset
