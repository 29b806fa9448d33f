#include "persistence/keys.hpp"

#include <cstdio>

namespace onset::persistence::keys {

namespace {

constexpr uint64_t sign_bit = uint64_t{1} << 63;

/// The key kind of a service stream about one printer (format 5); 0 and 1
/// are the target kinds.
constexpr uint8_t per_device_service = 2;

template <class T>
void put_be(std::string& out, T x) {
  for (int shift = (sizeof(T) - 1) * 8; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((x >> shift) & 0xFF));
}

template <class T>
std::optional<T> get_be(std::string_view& in) {
  if (in.size() < sizeof(T))
    return std::nullopt;
  T x = 0;
  for (size_t i = 0; i < sizeof(T); ++i)
    x = static_cast<T>((x << 8) | static_cast<uint8_t>(in[i]));
  in.remove_prefix(sizeof(T));
  return x;
}

} // namespace

void put_u8(std::string& out, uint8_t x) {
  out.push_back(static_cast<char>(x));
}

void put_be32(std::string& out, uint32_t x) {
  put_be(out, x);
}

void put_be64(std::string& out, uint64_t x) {
  put_be(out, x);
}

void put_str(std::string& out, std::string_view x) {
  // Longer strings cannot be part of a key anyway (LMDB keys are at most
  // 511 bytes); clamping keeps the encoding well-formed and the put fails
  // with a clear "key too long".
  auto len = x.size() > 0xFFFF ? size_t{0xFFFF} : x.size();
  put_be(out, static_cast<uint16_t>(len));
  out.append(x.data(), len);
}

void put_time(std::string& out, utc_time x) {
  put_be64(out, static_cast<uint64_t>(x.seconds) ^ sign_bit);
}

void put_stream(std::string& out, const stream_id& x) {
  put_str(out, x.contract.str());
  if (x.device.empty()) {
    put_u8(out, static_cast<uint8_t>(x.to.kind));
    put_str(out, x.to.name);
    return;
  }
  put_u8(out, per_device_service);
  put_str(out, x.to.name);
  put_str(out, x.device.str());
}

std::optional<uint8_t> get_u8(std::string_view& in) {
  return get_be<uint8_t>(in);
}

std::optional<uint32_t> get_be32(std::string_view& in) {
  return get_be<uint32_t>(in);
}

std::optional<uint64_t> get_be64(std::string_view& in) {
  return get_be<uint64_t>(in);
}

std::optional<std::string_view> get_str(std::string_view& in) {
  auto len = get_be<uint16_t>(in);
  if (!len || in.size() < *len)
    return std::nullopt;
  auto result = in.substr(0, *len);
  in.remove_prefix(*len);
  return result;
}

std::optional<utc_time> get_time(std::string_view& in) {
  auto raw = get_be64(in);
  if (!raw)
    return std::nullopt;
  return utc_time{static_cast<int64_t>(*raw ^ sign_bit)};
}

std::optional<stream_id> get_stream(std::string_view& in) {
  auto contract = get_str(in);
  if (!contract)
    return std::nullopt;
  auto kind = get_u8(in);
  if (!kind || *kind > per_device_service)
    return std::nullopt;
  auto name = get_str(in);
  if (!name)
    return std::nullopt;
  stream_id result{contract_id{std::string{*contract}},
                   target{static_cast<target_kind>(*kind), std::string{*name}},
                   device_id{}};
  if (*kind == per_device_service) {
    auto device = get_str(in);
    if (!device || device->empty())
      return std::nullopt;
    result.to.kind = target_kind::service;
    result.device = device_id{std::string{*device}};
  }
  return result;
}

std::string be64_value(uint64_t x) {
  std::string out;
  put_be64(out, x);
  return out;
}

std::optional<uint64_t> be64_of_value(std::string_view in) {
  auto x = get_be64(in);
  if (!x || !in.empty())
    return std::nullopt;
  return x;
}

std::string printable(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F && u != '\\') {
      out.push_back(c);
    } else {
      char buf[5];
      std::snprintf(buf, sizeof(buf), "\\x%02X", u);
      out += buf;
    }
  }
  return out;
}

} // namespace onset::persistence::keys
