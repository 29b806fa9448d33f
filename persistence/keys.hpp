// Key building blocks shared by the stores. Numbers are big-endian so that
// LMDB's byte order is their numeric order; strings are length-prefixed so
// that a key made of several is never a prefix of another one:
//
//   be16 := 2 bytes, most significant first      be64 := 8 bytes, likewise
//   str  := len:be16 byte{len}                     (sorts shorter first)
//   time := (seconds XOR 2^63):be64               (signed order kept)
//   stream := contract:str kind:u8 target:str     (kind 0 device, 1 service)
//           | contract:str 2:u8 service:str device:str
//                                   (a service stream about one printer)
//
// Decoders consume from the front of their input and return nullopt on
// malformed input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "messages/instruction.hpp"
#include "messages/utc_time.hpp"

namespace onset::persistence::keys {

void put_u8(std::string& out, uint8_t x);
void put_be32(std::string& out, uint32_t x);
void put_be64(std::string& out, uint64_t x);
void put_str(std::string& out, std::string_view x);
void put_time(std::string& out, utc_time x);
void put_stream(std::string& out, const stream_id& x);

std::optional<uint8_t> get_u8(std::string_view& in);
std::optional<uint32_t> get_be32(std::string_view& in);
std::optional<uint64_t> get_be64(std::string_view& in);
std::optional<std::string_view> get_str(std::string_view& in);
std::optional<utc_time> get_time(std::string_view& in);
std::optional<stream_id> get_stream(std::string_view& in);

/// A value that is exactly one be64 (watermarks, counters).
std::string be64_value(uint64_t x);
std::optional<uint64_t> be64_of_value(std::string_view in);

/// Printable text of arbitrary bytes for logs and errors: printable ASCII
/// as is, everything else as `\xNN`.
std::string printable(std::string_view bytes);

} // namespace onset::persistence::keys
