// The streams and steps the tests send: a contract's stream to one printer
// or one service, and an instruction on it.
#pragma once

#include <cstdint>
#include <string>

#include "messages/instruction.hpp"

namespace onset::test {

/// The stream of `contract` to printer `dev`.
stream_id device_stream(const std::string& contract, const std::string& dev);

/// The stream of `contract` to service `svc`.
/// Without `dev`: a service stream shared by a contract's printers, as
/// format 4 wrote them.
stream_id service_stream(const std::string& contract, const std::string& svc,
                         const std::string& dev = {});

/// Step `seq` of `stream`, of `kind`, about printer `dev`, for contract
/// version 1; the test fills in what the kind needs.
instruction step(stream_id stream, uint64_t seq, step_kind kind,
                 const std::string& dev);

} // namespace onset::test
