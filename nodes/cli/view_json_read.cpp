// Reading the answers of the HTTP API back into the GATEWAY's message types
// (view_json.hpp): every member checked for presence and type.
#include <limits>
#include <optional>

#include <nlohmann/json.hpp>

#include "messages/contract_state.hpp"
#include "messages/json_input.hpp"
#include "nodes/cli/view_json.hpp"

namespace onset::cli {

using json = nlohmann::json;

namespace {

/// `{"name": value}` (setting values by their JSON type).
outcome<settings> read_settings(const json& x, const std::string& field) {
  if (!x.is_object())
    return invalid_input{field,
                         "must be an object, not " + json_input::type_name(x)};
  settings result;
  for (auto& [name, raw] : x.items()) {
    auto value = json_input::to_setting_value(raw, field + "." + name);
    if (!value)
      return value.error();
    result.emplace(name, std::move(value).value());
  }
  return result;
}

/// Reads the members of one JSON object. The first problem is kept, naming
/// the member's path; reads after it return empty values, so that a parser
/// reads straight through and asks `finish` once at the end.
class object_reader {
public:
  object_reader(const json& x, std::string field)
    : x_(x), field_(std::move(field)) {
    if (!x.is_object())
      problem_ = invalid_input{field_, "must be an object, not "
                                         + json_input::type_name(x)};
  }

  std::string path(const std::string& key) const {
    return json_input::path(field_, key);
  }

  /// The member `key`, or null (and a problem) when absent.
  const json* member(const char* key) {
    if (problem_)
      return nullptr;
    auto i = x_.find(key);
    if (i == x_.end()) {
      fail(key, "is missing");
      return nullptr;
    }
    return &*i;
  }

  bool has(const char* key) const {
    return !problem_ && x_.contains(key);
  }

  std::string text(const char* key) {
    auto* x = member(key);
    if (x == nullptr)
      return {};
    if (!x->is_string()) {
      fail(key, "must be a string, not " + json_input::type_name(*x));
      return {};
    }
    return x->get<std::string>();
  }

  uint64_t count(const char* key) {
    auto* x = member(key);
    if (x == nullptr)
      return 0;
    if (!x->is_number_unsigned()
        && !(x->is_number_integer() && x->get<int64_t>() >= 0)) {
      fail(key, "must be a whole number of at least 0");
      return 0;
    }
    return x->get<uint64_t>();
  }

  bool flag(const char* key) {
    auto* x = member(key);
    if (x == nullptr)
      return false;
    if (!x->is_boolean()) {
      fail(key, "must be a boolean, not " + json_input::type_name(*x));
      return false;
    }
    return x->get<bool>();
  }

  std::vector<std::string> texts(const char* key) {
    std::vector<std::string> result;
    for (auto& [i, x] : items(key)) {
      if (!x->is_string()) {
        fail(key, "[" + std::to_string(i) + "] must be a string");
        return {};
      }
      result.push_back(x->get<std::string>());
    }
    return result;
  }

  firmware_version version(const char* key) {
    auto text_value = text(key);
    if (problem_)
      return {};
    auto result = firmware_version::parse(text_value);
    if (!result) {
      fail(key, "'" + text_value + "' is not a firmware version");
      return {};
    }
    return *result;
  }

  utc_time time(const char* key) {
    auto text_value = text(key);
    if (problem_)
      return {};
    auto result = utc_time::parse_rfc3339(text_value);
    if (!result) {
      fail(key, "'" + text_value + "' is not an RFC 3339 time");
      return {};
    }
    return *result;
  }

  settings values(const char* key) {
    auto* x = member(key);
    if (x == nullptr)
      return {};
    auto result = read_settings(*x, path(key));
    if (!result) {
      problem_ = result.error();
      return {};
    }
    return std::move(result).value();
  }

  /// The elements of the array `key`, with their index.
  std::vector<std::pair<size_t, const json*>> items(const char* key) {
    std::vector<std::pair<size_t, const json*>> result;
    auto* x = member(key);
    if (x == nullptr)
      return result;
    if (!x->is_array()) {
      fail(key, "must be an array, not " + json_input::type_name(*x));
      return result;
    }
    for (size_t i = 0; i < x->size(); ++i)
      result.emplace_back(i, &(*x)[i]);
    return result;
  }

  /// The elements of the array `key`, each read by `read(element, field)`.
  template <class T, class Read>
  std::vector<T> all(const char* key, Read read) {
    std::vector<T> result;
    for (auto& [i, x] : items(key)) {
      auto one = read(*x, path(key) + "[" + std::to_string(i) + "]");
      if (!one) {
        problem_ = one.error();
        return {};
      }
      result.push_back(std::move(one).value());
    }
    return result;
  }

  void fail(const std::string& key, std::string reason) {
    if (!problem_)
      problem_ = invalid_input{path(key), std::move(reason)};
  }

  template <class T>
  outcome<T> finish(T value) {
    if (problem_)
      return *problem_;
    return value;
  }

private:
  const json& x_;
  std::string field_;
  std::optional<invalid_input> problem_;
};

/// `device/NAME` or `service/NAME`.
std::optional<target> parse_target(const std::string& text) {
  for (auto kind : {target_kind::device, target_kind::service}) {
    std::string prefix = kind == target_kind::device ? "device/" : "service/";
    if (text.size() > prefix.size()
        && text.compare(0, prefix.size(), prefix) == 0)
      return target{kind, text.substr(prefix.size())};
  }
  return std::nullopt;
}

/// The stream `text` (stream_id::to_string) to `to`: `CONTRACT>TARGET` or
/// `CONTRACT>TARGET@DEVICE`.
std::optional<stream_id> parse_stream(const std::string& text,
                                      const target& to) {
  auto tail = ">" + to.to_string();
  if (text.size() > tail.size()
      && text.compare(text.size() - tail.size(), tail.size(), tail) == 0)
    return stream_id{contract_id{text.substr(0, text.size() - tail.size())}, to,
                     device_id{}};
  auto at = text.rfind(tail + "@");
  if (at == std::string::npos || at == 0 || at + tail.size() + 1 == text.size())
    return std::nullopt;
  return stream_id{contract_id{text.substr(0, at)}, to,
                   device_id{text.substr(at + tail.size() + 1)}};
}

/// The stream and target of an object with `target` and `stream` members.
stream_id read_stream(object_reader& in) {
  auto target_text = in.text("target");
  auto stream_text = in.text("stream");
  if (!in.has("target"))
    return {};
  auto to = parse_target(target_text);
  if (!to) {
    in.fail("target", "'" + target_text + "' is not device/ID or service/ID");
    return {};
  }
  auto stream = parse_stream(stream_text, *to);
  if (!stream) {
    in.fail("stream",
            "'" + stream_text + "' is not a stream to " + target_text);
    return {};
  }
  return *stream;
}

outcome<stream_watermark> watermark_from_json(const json& x,
                                              const std::string& field) {
  object_reader in{x, field};
  stream_watermark result;
  result.stream = read_stream(in);
  auto contract = in.text("contract");
  if (in.has("contract") && contract != result.stream.contract.str())
    in.fail("contract", "'" + contract + "' is not the stream's contract");
  result.seq = in.count("seq");
  return in.finish(std::move(result));
}

std::optional<step_kind> parse_step_kind(const std::string& text) {
  for (auto kind :
       {step_kind::service_prepare, step_kind::firmware,
        step_kind::apps_install, step_kind::settings_apply,
        step_kind::service_activate, step_kind::service_deactivate,
        step_kind::settings_revert, step_kind::apps_remove, step_kind::skip})
    if (text == to_string(kind))
      return kind;
  return std::nullopt;
}

std::optional<history_kind> parse_history_kind(const std::string& text) {
  for (auto kind :
       {history_kind::accepted, history_kind::transition, history_kind::sent,
        history_kind::acked, history_kind::problem, history_kind::abandoned})
    if (text == to_string(kind))
      return kind;
  return std::nullopt;
}

contract_state read_state(object_reader& in, const char* key) {
  auto text = in.text(key);
  if (!in.has(key))
    return {};
  auto state = parse_contract_state(text);
  if (!state) {
    in.fail(key, "'" + text + "' is not a contract state");
    return {};
  }
  return *state;
}

/// The summary's members of `in`.
contract_summary read_summary(object_reader& in) {
  contract_summary result;
  result.id = contract_id{in.text("id")};
  result.version = in.count("version");
  result.customer = customer_id{in.text("customer")};
  result.state = read_state(in, "state");
  result.reason = in.text("reason");
  result.steps_acked = in.count("steps_acked");
  result.steps_total = in.count("steps_total");
  return result;
}

/// A contract document by its form (docs/contracts.md), without a catalog.
outcome<contract> document_from_json(const json& x, const std::string& field) {
  object_reader in{x, field};
  contract result;
  result.id = contract_id{in.text("id")};
  result.version = in.count("version");
  result.customer = customer_id{in.text("customer")};
  result.start = in.time("start");
  result.end = in.time("end");
  for (auto& d : in.texts("devices"))
    result.devices.emplace_back(d);
  if (auto* services = in.member("services")) {
    if (!services->is_object())
      in.fail("services", "must be an object");
    else
      for (auto& [name, raw] : services->items()) {
        auto values = read_settings(raw, in.path("services") + "." + name);
        if (!values)
          return values.error();
        result.services.emplace(service_id{name}, std::move(values).value());
      }
  }
  if (in.has("event_id"))
    result.event_id = in.text("event_id");
  return in.finish(std::move(result));
}

outcome<step_view> step_view_from_json(const json& x,
                                       const std::string& field) {
  auto step = instruction_from_json(x, field);
  if (!step)
    return step.error();
  object_reader in{x, field};
  auto state = in.text("state");
  if (in.has("state") && state != "sent" && state != "acked")
    in.fail("state", "'" + state + "' is neither sent nor acked");
  return in.finish(step_view{std::move(step).value(), state == "acked"});
}

outcome<device_progress> progress_from_json(const json& x,
                                            const std::string& field) {
  object_reader in{x, field};
  device_progress result;
  result.device = device_id{in.text("device")};
  result.steps_acked = in.count("steps_acked");
  result.steps_total = in.count("steps_total");
  if (in.has("degraded"))
    result.degraded = in.text("degraded");
  return in.finish(std::move(result));
}

} // namespace

outcome<device_view> device_view_from_json(const json& x,
                                           const std::string& field) {
  object_reader in{x, field};
  device_view result;
  auto& reg = result.state.registration;
  reg.id = device_id{in.text("id")};
  reg.customer = customer_id{in.text("customer")};
  reg.model = in.text("model");
  reg.firmware = in.version("registered_firmware");
  result.state.firmware = in.version("firmware");
  result.state.apps = in.texts("apps");
  result.state.values = in.values("settings");
  result.state.online = in.flag("online");
  result.applied = in.all<stream_watermark>("applied", watermark_from_json);
  return in.finish(std::move(result));
}

outcome<service_view> service_view_from_json(const json& x,
                                             const std::string& field) {
  object_reader in{x, field};
  service_view result;
  result.service = service_id{in.text("service")};
  result.device = device_id{in.text("device")};
  result.state.registered = in.flag("registered");
  result.state.active = in.flag("active");
  result.state.values = in.values("settings");
  result.applied = in.all<stream_watermark>("applied", watermark_from_json);
  return in.finish(std::move(result));
}

outcome<contract_summary> contract_summary_from_json(const json& x,
                                                     const std::string& field) {
  object_reader in{x, field};
  auto result = read_summary(in);
  return in.finish(std::move(result));
}

outcome<contract_view> contract_view_from_json(const json& x,
                                               const std::string& field) {
  object_reader in{x, field};
  contract_view result;
  result.summary = read_summary(in);
  if (auto* doc = in.member("contract")) {
    auto parsed = document_from_json(*doc, in.path("contract"));
    if (!parsed)
      return parsed.error();
    result.doc = std::move(parsed).value();
  }
  result.devices = in.all<device_progress>("devices", progress_from_json);
  result.steps = in.all<step_view>("steps", step_view_from_json);
  return in.finish(std::move(result));
}

outcome<history_entry> history_entry_from_json(const json& x,
                                               const std::string& field) {
  object_reader in{x, field};
  history_entry result;
  result.at = in.time("at");
  auto kind = in.text("kind");
  if (in.has("kind")) {
    if (auto parsed = parse_history_kind(kind))
      result.kind = *parsed;
    else
      in.fail("kind", "'" + kind + "' is not a kind of history line");
  }
  result.detail = in.text("detail");
  return in.finish(std::move(result));
}

outcome<submit_result> submit_result_from_json(const json& x,
                                               const std::string& field) {
  object_reader in{x, field};
  submit_result result;
  result.id = contract_id{in.text("id")};
  result.version = in.count("version");
  auto outcome_text = in.text("result");
  result.renewal = outcome_text == "renewal";
  result.duplicate = outcome_text == "duplicate";
  if (in.has("result") && outcome_text != "accepted" && !result.renewal
      && !result.duplicate)
    in.fail("result",
            "'" + outcome_text + "' is not accepted, renewal or duplicate");
  return in.finish(std::move(result));
}

outcome<instruction> instruction_from_json(const json& x,
                                           const std::string& field) {
  object_reader in{x, field};
  instruction result;
  result.stream = read_stream(in);
  auto kind = in.text("kind");
  if (in.has("kind")) {
    if (auto parsed = parse_step_kind(kind))
      result.kind = *parsed;
    else
      in.fail("kind", "'" + kind + "' is not a step kind");
  }
  result.seq = in.count("seq");
  result.device = device_id{in.text("device")};
  result.contract_version = in.count("contract_version");
  if (in.has("firmware"))
    result.firmware = in.version("firmware");
  if (in.has("apps"))
    result.apps = in.texts("apps");
  if (in.has("settings"))
    result.values = in.values("settings");
  return in.finish(std::move(result));
}

outcome<node_status> node_status_from_json(const json& x,
                                           const std::string& field) {
  object_reader in{x, field};
  node_status result;
  result.name = in.text("name");
  result.address = in.text("address");
  result.roles = in.texts("roles");
  result.reachable = in.flag("reachable");
  result.contracts = in.count("contracts");
  result.devices = in.count("devices");
  auto peers = in.count("peers");
  auto peers_up = in.count("peers_up");
  constexpr auto most = std::numeric_limits<uint32_t>::max();
  if (peers > most || peers_up > most)
    in.fail("peers", "more peers than a node can have");
  result.peers = static_cast<uint32_t>(peers);
  result.peers_up = static_cast<uint32_t>(peers_up);
  return in.finish(std::move(result));
}

} // namespace onset::cli
