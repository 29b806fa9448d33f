#include "messages/instruction.hpp"

#include <tuple>

namespace onset {
inline namespace messages {

std::string target::to_string() const {
  return (kind == target_kind::device ? "device/" : "service/") + name;
}

bool operator==(const target& x, const target& y) {
  return x.kind == y.kind && x.name == y.name;
}

bool operator<(const target& x, const target& y) {
  return std::tie(x.kind, x.name) < std::tie(y.kind, y.name);
}

std::string stream_id::to_string() const {
  auto result = contract.str() + ">" + to.to_string();
  if (!device.empty())
    result += "@" + device.str();
  return result;
}

bool operator==(const stream_id& x, const stream_id& y) {
  return x.contract == y.contract && x.to == y.to && x.device == y.device;
}

bool operator<(const stream_id& x, const stream_id& y) {
  return std::tie(x.contract, x.to, x.device)
         < std::tie(y.contract, y.to, y.device);
}

const char* to_string(step_kind x) {
  switch (x) {
    case step_kind::service_prepare:
      return "prepare";
    case step_kind::firmware:
      return "firmware";
    case step_kind::apps_install:
      return "apps";
    case step_kind::settings_apply:
      return "settings";
    case step_kind::service_activate:
      return "activate";
    case step_kind::service_deactivate:
      return "deactivate";
    case step_kind::settings_revert:
      return "settings_off";
    case step_kind::apps_remove:
      return "apps_remove";
    case step_kind::skip:
      return "skip";
  }
  return "unknown";
}

bool operator==(const instruction& x, const instruction& y) {
  return x.stream == y.stream && x.seq == y.seq && x.kind == y.kind
         && x.device == y.device && x.contract_version == y.contract_version
         && x.firmware == y.firmware && x.apps == y.apps
         && x.values == y.values;
}

bool operator==(const instruction_ack& x, const instruction_ack& y) {
  return x.stream == y.stream && x.seq == y.seq;
}

} // namespace messages
} // namespace onset
