#include "messages/endpoint_protocol.hpp"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "messages/contract_json.hpp"
#include "messages/id_rules.hpp"
#include "messages/instruction_digest.hpp"
#include "messages/json_input.hpp"
#include "messages/utc_time.hpp"

namespace onset {
inline namespace messages {
namespace endpoint {

using json = nlohmann::json;
using json_input::optional_bool;
using json_input::path;

namespace {

// -- small pieces ------------------------------------------------------------

constexpr outcome_kind all_outcomes[] = {
  outcome_kind::applied,  outcome_kind::already_applied,
  outcome_kind::conflict, outcome_kind::out_of_order,
  outcome_kind::refused,  outcome_kind::retry_later,
};

constexpr step_kind all_kinds[] = {
  step_kind::service_prepare,
  step_kind::firmware,
  step_kind::apps_install,
  step_kind::settings_apply,
  step_kind::service_activate,
  step_kind::service_deactivate,
  step_kind::settings_revert,
  step_kind::apps_remove,
  step_kind::skip,
};

std::string to_hex(const std::string& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string result;
  result.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    result += digits[c >> 4];
    result += digits[c & 0xf];
  }
  return result;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/// 64 lowercase hex characters -> 32 bytes.
std::optional<std::string> from_hex(const std::string& text) {
  if (text.size() != 64)
    return std::nullopt;
  std::string result;
  for (size_t i = 0; i < text.size(); i += 2) {
    auto hi = hex_value(text[i]);
    auto lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    result += static_cast<char>(hi * 16 + lo);
  }
  return result;
}

bool is_service_step(step_kind x) {
  return x == step_kind::service_prepare || x == step_kind::service_activate
         || x == step_kind::service_deactivate;
}

/// Parses `body` and refuses anything but an object with exactly the keys
/// `known` (a subset may be absent).
outcome<json> parse_object(std::string_view body,
                           std::initializer_list<std::string_view> known) {
  auto doc = json_input::parse_document(body);
  if (!doc)
    return doc.error();
  if (auto bad = json_input::check_object(doc.value(), "", known))
    return *bad;
  return std::move(doc).value();
}

/// The array member `key` of `obj`, with 1 to max_batch elements.
outcome<const json*> batch_array(const json& obj, const char* key) {
  auto i = obj.find(key);
  if (i == obj.end())
    return invalid_input{key, "is missing"};
  if (!i->is_array())
    return invalid_input{key,
                         "must be an array, not " + json_input::type_name(*i)};
  if (i->empty())
    return invalid_input{key, "must not be empty"};
  if (i->size() > max_batch)
    return invalid_input{key, "holds " + std::to_string(i->size())
                                + " elements, at most "
                                + std::to_string(max_batch) + " are allowed"};
  return &*i;
}

/// `{"KEY": [to_json(x), ...]}`.
template <class T, class F>
std::string encode_batch(const char* key, const std::vector<T>& xs, F to_json) {
  auto items = json::array();
  for (auto& x : xs)
    items.push_back(to_json(x));
  return json{{key, std::move(items)}}.dump();
}

/// The elements of the array `KEY` of `doc`, 1 to max_batch of them
/// (`expected`, when not 0, is the count they must have: what they
/// answer), each read by `element(json, field, index)`.
template <class T, class F>
outcome<std::vector<T>> batch_elements(const json& doc, const char* key,
                                       size_t expected, const char* what,
                                       F element) {
  auto items = batch_array(doc, key);
  if (!items)
    return items.error();
  auto& xs = *items.value();
  if (expected != 0 && xs.size() != expected)
    return invalid_input{key, "holds " + std::to_string(xs.size())
                                + " elements for " + std::to_string(expected)
                                + " " + what};
  std::vector<T> result;
  for (size_t i = 0; i < xs.size(); ++i) {
    auto field = path(key, i);
    if (!xs[i].is_object())
      return invalid_input{field, "must be an object, not "
                                    + json_input::type_name(xs[i])};
    outcome<T> x = element(xs[i], field, i);
    if (!x)
      return x.error();
    result.push_back(std::move(x).value());
  }
  return result;
}

/// The elements of `{"KEY": [...]}`, as `batch_elements` reads them.
template <class T, class F>
outcome<std::vector<T>> parse_batch(std::string_view body, const char* key,
                                    size_t expected, const char* what,
                                    F element) {
  auto doc = parse_object(body, {key});
  if (!doc)
    return doc.error();
  return batch_elements<T>(doc.value(), key, expected, what, element);
}

/// The optional RFC 3339 UTC time `key` of `obj`, in milliseconds since
/// the Unix epoch (fraction digits past the third are dropped).
outcome<std::optional<int64_t>> optional_time_ms(const json& obj,
                                                 const char* key) {
  auto i = obj.find(key);
  if (i == obj.end())
    return std::optional<int64_t>{};
  if (!i->is_string())
    return invalid_input{key, "must be a string (an RFC 3339 UTC time such "
                              "as 2026-12-01T00:00:00.000Z), not "
                                + json_input::type_name(*i)};
  auto text = i->get<std::string>();
  utc_time::parse_problem problem;
  auto seconds = utc_time::parse_rfc3339(text, &problem);
  if (!seconds)
    return invalid_input{key, problem.reason};
  int64_t ms = 0;
  if (text.size() > 19 && text[19] == '.')
    for (size_t pos = 20, scale = 100; scale > 0; ++pos, scale /= 10) {
      if (pos >= text.size() || text[pos] < '0' || text[pos] > '9')
        break;
      ms += (text[pos] - '0') * static_cast<int64_t>(scale);
    }
  return std::optional<int64_t>{seconds->seconds * 1000 + ms};
}

outcome<uint64_t> required_seq(const json& obj, const std::string& parent,
                               const char* key) {
  auto n = json_input::required_integer(obj, parent, key, 1,
                                        std::numeric_limits<int64_t>::max());
  if (!n)
    return n.error();
  return static_cast<uint64_t>(n.value());
}

outcome<settings> settings_from(const json& obj, const std::string& parent,
                                const char* key, bool required) {
  auto field = path(parent, key);
  auto i = obj.find(key);
  if (i == obj.end()) {
    if (required)
      return invalid_input{field, "is missing"};
    return settings{};
  }
  if (!i->is_object())
    return invalid_input{field,
                         "must be an object, not " + json_input::type_name(*i)};
  settings result;
  for (auto& [name, value] : i->items()) {
    if (name.empty())
      return invalid_input{field, "a setting name must not be empty"};
    auto v = json_input::to_setting_value(value, path(field, name));
    if (!v)
      return v.error();
    result.emplace(name, std::move(v).value());
  }
  return result;
}

outcome<firmware_version>
firmware_from(const json& obj, const std::string& parent, const char* key) {
  auto text = json_input::required_string(obj, parent, key);
  if (!text)
    return text.error();
  auto version = firmware_version::parse(text.value());
  if (!version)
    return invalid_input{path(parent, key),
                         "'" + text.value() + "' is not a firmware version"};
  return *version;
}

outcome<step_kind> kind_from(const json& obj, const std::string& parent) {
  auto text = json_input::required_string(obj, parent, "kind");
  if (!text)
    return text.error();
  for (auto k : all_kinds)
    if (text.value() == to_string(k))
      return k;
  return invalid_input{path(parent, "kind"),
                       "unknown step kind '" + text.value() + "'"};
}

// -- targets and states
// --------------------------------------------------------

json ref_to_json(const target_ref& x) {
  json result{{"target", x.to.to_string()}};
  if (x.to.kind == target_kind::service)
    result["device"] = x.device.str();
  return result;
}

outcome<target_ref> ref_from(const json& obj, const std::string& parent) {
  auto text = json_input::required_string(obj, parent, "target");
  if (!text)
    return text.error();
  auto to = parse_target(text.value(), path(parent, "target"));
  if (!to)
    return to.error();
  target_ref result{std::move(to).value(), {}};
  if (result.to.kind == target_kind::service) {
    auto device = json_input::required_id(obj, parent, "device");
    if (!device)
      return device.error();
    result.device = device_id{std::move(device).value()};
  } else {
    if (obj.contains("device") && obj["device"] != json(result.to.name))
      return invalid_input{path(parent, "device"),
                           "must be the printer of the target, or absent"};
    result.device = device_id{result.to.name};
  }
  return result;
}

json state_to_json(const target_state& x) {
  auto result = ref_to_json(x.ref);
  result["known"] = x.known;
  if (!x.known)
    return result;
  if (x.ref.to.kind == target_kind::device) {
    result["firmware"] = x.firmware.to_string();
    result["apps"] = x.apps;
  } else {
    result["registered"] = x.registered;
    result["active"] = x.active;
  }
  result["settings"] = to_json(x.values);
  if (!x.streams.empty()) {
    auto streams = json::object();
    for (auto& [stream, seq] : x.streams)
      streams[stream] = seq;
    result["streams"] = streams;
  }
  return result;
}

outcome<std::map<std::string, uint64_t>>
streams_from(const json& obj, const std::string& parent) {
  std::map<std::string, uint64_t> result;
  auto i = obj.find("streams");
  if (i == obj.end())
    return result;
  auto field = path(parent, "streams");
  if (!i->is_object())
    return invalid_input{field,
                         "must be an object, not " + json_input::type_name(*i)};
  for (auto& [stream, seq] : i->items()) {
    if (!seq.is_number_unsigned())
      return invalid_input{path(field, stream),
                           "must be a whole number of at least 0"};
    result.emplace(stream, seq.get<uint64_t>());
  }
  return result;
}

outcome<target_state> state_from(const json& obj, const std::string& parent) {
  if (auto bad = json_input::check_object(obj, parent,
                                          {"target", "device", "known",
                                           "firmware", "apps", "registered",
                                           "active", "settings", "streams"}))
    return *bad;
  auto ref = ref_from(obj, parent);
  if (!ref)
    return ref.error();
  target_state result;
  result.ref = std::move(ref).value();
  auto known = optional_bool(obj, parent, "known", true);
  if (!known)
    return known.error();
  result.known = known.value();
  if (!result.known)
    return result;
  if (result.ref.to.kind == target_kind::device) {
    auto firmware = firmware_from(obj, parent, "firmware");
    if (!firmware)
      return firmware.error();
    result.firmware = std::move(firmware).value();
    auto apps = json_input::string_array(obj, parent, "apps", false, true);
    if (!apps)
      return apps.error();
    result.apps = std::move(apps).value();
    std::sort(result.apps.begin(), result.apps.end());
  } else {
    auto registered = optional_bool(obj, parent, "registered", false);
    if (!registered)
      return registered.error();
    auto active = optional_bool(obj, parent, "active", false);
    if (!active)
      return active.error();
    result.registered = registered.value();
    result.active = active.value();
  }
  auto values = settings_from(obj, parent, "settings", false);
  if (!values)
    return values.error();
  result.values = std::move(values).value();
  auto streams = streams_from(obj, parent);
  if (!streams)
    return streams.error();
  result.streams = std::move(streams).value();
  return result;
}

// -- instructions ------------------------------------------------------------

/// The step object with its digest.
json instruction_to_json(const instruction& x) {
  auto result = to_json(x);
  result["digest"] = to_hex(content_digest(x));
  return result;
}

/// The fields kind `x.kind` needs, and a target that fits it.
std::optional<invalid_input> check_fields(const instruction& x,
                                          const std::string& parent) {
  auto service_target = x.stream.to.kind == target_kind::service;
  if (x.kind != step_kind::skip && is_service_step(x.kind) != service_target)
    return invalid_input{path(parent, "kind"),
                         std::string{"'"} + to_string(x.kind)
                           + "' does not go to a "
                           + (service_target ? "service" : "printer")};
  switch (x.kind) {
    case step_kind::firmware:
      if (x.firmware.parts.empty())
        return invalid_input{path(parent, "firmware"), "is missing"};
      break;
    case step_kind::apps_install:
    case step_kind::apps_remove:
      if (x.apps.empty())
        return invalid_input{path(parent, "apps"), "is missing"};
      break;
    case step_kind::settings_apply:
    case step_kind::settings_revert:
      if (x.values.empty())
        return invalid_input{path(parent, "settings"), "is missing"};
      break;
    default:
      break;
  }
  return std::nullopt;
}

outcome<apply_item> item_from(const json& obj, const std::string& parent) {
  if (!obj.is_object())
    return invalid_input{parent, "must be an object, not "
                                   + json_input::type_name(obj)};
  if (auto bad = json_input::check_object(obj, parent,
                                          {"stream", "seq", "digest", "target",
                                           "kind", "device", "contract_version",
                                           "firmware", "apps", "settings"}))
    return *bad;
  auto target_text = json_input::required_string(obj, parent, "target");
  if (!target_text)
    return target_text.error();
  auto to = parse_target(target_text.value(), path(parent, "target"));
  if (!to)
    return to.error();
  auto device = json_input::required_id(obj, parent, "device");
  if (!device)
    return device.error();
  apply_item result;
  auto& x = result.x;
  x.device = device_id{std::move(device).value()};
  if (to.value().kind == target_kind::device
      && to.value().name != x.device.str())
    return invalid_input{path(parent, "device"),
                         "must be the printer of the target"};
  auto stream_text = json_input::required_string(obj, parent, "stream");
  if (!stream_text)
    return stream_text.error();
  auto stream = parse_stream_id(stream_text.value(), to.value(), x.device,
                                path(parent, "stream"));
  if (!stream)
    return stream.error();
  x.stream = std::move(stream).value();
  auto seq = required_seq(obj, parent, "seq");
  if (!seq)
    return seq.error();
  x.seq = seq.value();
  auto kind = kind_from(obj, parent);
  if (!kind)
    return kind.error();
  x.kind = kind.value();
  auto version = json_input::required_integer(
    obj, parent, "contract_version", 0, std::numeric_limits<int64_t>::max());
  if (!version)
    return version.error();
  x.contract_version = static_cast<uint64_t>(version.value());
  if (obj.contains("firmware")) {
    auto firmware = firmware_from(obj, parent, "firmware");
    if (!firmware)
      return firmware.error();
    x.firmware = std::move(firmware).value();
  }
  auto apps = json_input::string_array(obj, parent, "apps", false, false);
  if (!apps)
    return apps.error();
  x.apps = std::move(apps).value();
  auto values = settings_from(obj, parent, "settings", false);
  if (!values)
    return values.error();
  x.values = std::move(values).value();
  if (auto bad = check_fields(x, parent))
    return *bad;
  auto digest_text = json_input::required_string(obj, parent, "digest");
  if (!digest_text)
    return digest_text.error();
  auto digest = from_hex(digest_text.value());
  if (!digest)
    return invalid_input{path(parent, "digest"),
                         "must be 64 lowercase hex characters"};
  if (*digest != content_digest(x))
    return invalid_input{path(parent, "digest"),
                         "does not match the instruction's content"};
  result.digest = std::move(*digest);
  return result;
}

// -- results -----------------------------------------------------------------

json result_to_json(const apply_result& x) {
  json result{{"stream", x.stream.to_string()},
              {"seq", x.seq},
              {"outcome", to_string(x.outcome)}};
  if (x.outcome == outcome_kind::out_of_order)
    result["expected_seq"] = x.expected_seq;
  if (!x.reason.empty())
    result["reason"] = x.reason;
  if (x.state)
    result["state"] = state_to_json(*x.state);
  return result;
}

outcome<outcome_kind> outcome_from(const json& obj, const std::string& parent) {
  auto text = json_input::required_string(obj, parent, "outcome");
  if (!text)
    return text.error();
  for (auto k : all_outcomes)
    if (text.value() == to_string(k))
      return k;
  return invalid_input{path(parent, "outcome"),
                       "unknown outcome '" + text.value() + "'"};
}

outcome<apply_result> result_from(const json& obj, const std::string& parent,
                                  const instruction& sent) {
  if (!obj.is_object())
    return invalid_input{parent, "must be an object, not "
                                   + json_input::type_name(obj)};
  if (auto bad = json_input::check_object(obj, parent,
                                          {"stream", "seq", "outcome",
                                           "expected_seq", "reason", "state"}))
    return *bad;
  apply_result result;
  auto stream = json_input::required_string(obj, parent, "stream");
  if (!stream)
    return stream.error();
  if (stream.value() != sent.stream.to_string())
    return invalid_input{path(parent, "stream"),
                         "answers '" + stream.value() + "', sent was '"
                           + sent.stream.to_string() + "'"};
  result.stream = sent.stream;
  auto seq = required_seq(obj, parent, "seq");
  if (!seq)
    return seq.error();
  if (seq.value() != sent.seq)
    return invalid_input{path(parent, "seq"),
                         "answers seq " + std::to_string(seq.value())
                           + ", sent was " + std::to_string(sent.seq)};
  result.seq = sent.seq;
  auto kind = outcome_from(obj, parent);
  if (!kind)
    return kind.error();
  result.outcome = kind.value();
  auto reason = json_input::optional_string(obj, parent, "reason");
  if (!reason)
    return reason.error();
  result.reason = std::move(reason).value();
  if (result.outcome == outcome_kind::out_of_order) {
    auto expected = required_seq(obj, parent, "expected_seq");
    if (!expected)
      return expected.error();
    result.expected_seq = expected.value();
  }
  auto done = result.outcome == outcome_kind::applied
              || result.outcome == outcome_kind::already_applied;
  if (done) {
    auto i = obj.find("state");
    if (i == obj.end())
      return invalid_input{path(parent, "state"), "is missing"};
    auto state = state_from(*i, path(parent, "state"));
    if (!state)
      return state.error();
    if (!(state.value().ref == target_of(sent)))
      return invalid_input{path(parent, "state.target"),
                           "is not the target of the instruction"};
    result.state = std::move(state).value();
  }
  return result;
}

std::string settings_text(const settings& xs) {
  std::string result;
  for (auto& [name, value] : xs)
    result += (result.empty() ? "" : ",") + name + "=" + value.to_text();
  return result;
}

} // namespace

// -- public ------------------------------------------------------------------

const char* to_string(outcome_kind x) {
  switch (x) {
    case outcome_kind::applied:
      return "applied";
    case outcome_kind::already_applied:
      return "already_applied";
    case outcome_kind::conflict:
      return "conflict";
    case outcome_kind::out_of_order:
      return "out_of_order";
    case outcome_kind::refused:
      return "refused";
    case outcome_kind::retry_later:
      return "retry_later";
  }
  return "?";
}

bool operator==(const target_ref& x, const target_ref& y) {
  return x.to == y.to && x.device == y.device;
}

bool operator<(const target_ref& x, const target_ref& y) {
  if (x.to != y.to)
    return x.to < y.to;
  return x.device < y.device;
}

target_ref target_of(const instruction& x) {
  return {x.stream.to, x.device};
}

bool operator==(const target_state& x, const target_state& y) {
  return x.ref == y.ref && x.known == y.known && x.firmware == y.firmware
         && x.apps == y.apps && x.registered == y.registered
         && x.active == y.active && x.values == y.values
         && x.streams == y.streams;
}

bool operator==(const apply_result& x, const apply_result& y) {
  return x.stream == y.stream && x.seq == y.seq && x.outcome == y.outcome
         && x.expected_seq == y.expected_seq && x.reason == y.reason
         && x.state == y.state;
}

outcome<target> parse_target(std::string_view text, const std::string& field) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return invalid_input{field, "must be device/ID or service/NAME"};
  auto kind = text.substr(0, slash);
  auto name = std::string{text.substr(slash + 1)};
  if (auto bad = check_id(name, field))
    return *bad;
  if (kind == "device")
    return target{target_kind::device, std::move(name)};
  if (kind == "service")
    return target{target_kind::service, std::move(name)};
  return invalid_input{field, "must be device/ID or service/NAME"};
}

outcome<stream_id> parse_stream_id(std::string_view text, const target& to,
                                   const device_id& device,
                                   const std::string& field) {
  auto ends_with = [&](const std::string& tail) {
    return text.size() > tail.size()
           && text.substr(text.size() - tail.size()) == tail;
  };
  auto tail = ">" + to.to_string();
  stream_id result;
  result.to = to;
  if (to.kind == target_kind::service && ends_with(tail + "@" + device.str())) {
    tail += "@" + device.str();
    result.device = device;
  } else if (!ends_with(tail)) {
    return invalid_input{field, "must be CONTRACT" + tail
                                  + (to.kind == target_kind::service
                                       ? "@" + device.str()
                                       : std::string{})};
  }
  auto contract = std::string{text.substr(0, text.size() - tail.size())};
  if (auto bad = check_id(contract, field))
    return *bad;
  result.contract = contract_id{std::move(contract)};
  return result;
}

std::string time_ms_to_rfc3339(int64_t ms) {
  auto seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
  char fraction[8];
  std::snprintf(fraction, sizeof(fraction), ".%03lld",
                static_cast<long long>(ms - seconds * 1000));
  auto text = utc_time{seconds}.to_rfc3339();
  text.insert(text.size() - 1, fraction);
  return text;
}

std::string encode_apply_request(const std::vector<instruction>& xs,
                                 std::optional<int64_t> not_after_ms) {
  auto items = json::array();
  for (auto& x : xs)
    items.push_back(instruction_to_json(x));
  json doc{{"instructions", std::move(items)}};
  if (not_after_ms)
    doc["not_after"] = time_ms_to_rfc3339(*not_after_ms);
  return doc.dump();
}

outcome<std::vector<apply_item>> parse_apply_request(std::string_view body) {
  auto doc = parse_object(body, {"not_after", "instructions"});
  if (!doc)
    return doc.error();
  auto not_after = optional_time_ms(doc.value(), "not_after");
  if (!not_after)
    return not_after.error();
  auto items
    = batch_elements<apply_item>(doc.value(), "instructions", 0, "",
                                 [](const json& x, const std::string& field,
                                    size_t) { return item_from(x, field); });
  if (!items)
    return items.error();
  for (auto& item : items.value())
    item.not_after_ms = not_after.value();
  return items;
}

std::string encode_apply_response(const std::vector<apply_result>& xs) {
  return encode_batch("results", xs, result_to_json);
}

outcome<std::vector<apply_result>>
parse_apply_response(std::string_view body,
                     const std::vector<instruction>& sent) {
  return parse_batch<apply_result>(body, "results", sent.size(), "instructions",
                                   [&](const json& x, const std::string& field,
                                       size_t i) {
                                     return result_from(x, field, sent[i]);
                                   });
}

std::string encode_read_request(const std::vector<target_ref>& xs) {
  return encode_batch("targets", xs, ref_to_json);
}

outcome<std::vector<target_ref>> parse_read_request(std::string_view body) {
  return parse_batch<target_ref>(
    body, "targets", 0, "",
    [](const json& x, const std::string& field, size_t) -> outcome<target_ref> {
      if (auto bad = json_input::check_object(x, field, {"target", "device"}))
        return *bad;
      return ref_from(x, field);
    });
}

std::string encode_read_response(const std::vector<target_state>& xs) {
  return encode_batch("targets", xs, state_to_json);
}

outcome<std::vector<target_state>>
parse_read_response(std::string_view body,
                    const std::vector<target_ref>& asked) {
  return parse_batch<target_state>(
    body, "targets", asked.size(), "targets",
    [&](const json& x, const std::string& field,
        size_t i) -> outcome<target_state> {
      auto state = state_from(x, field);
      if (state && !(state.value().ref == asked[i]))
        return invalid_input{path(field, "target"),
                             "is not the target that was asked for"};
      return state;
    });
}

std::string encode_target_state(const target_state& x) {
  return state_to_json(x).dump();
}

outcome<target_state> parse_target_state(std::string_view body) {
  auto doc = json_input::parse_document(body);
  if (!doc)
    return doc.error();
  if (!doc.value().is_object())
    return invalid_input{"document", "must be an object"};
  return state_from(doc.value(), "");
}

std::string encode_health(const health& x) {
  return json{{"protocol", x.protocol},
              {"status", x.status},
              {"idempotent", x.idempotent}}
    .dump();
}

outcome<health> parse_health(std::string_view body) {
  auto doc = parse_object(body, {"protocol", "status", "idempotent"});
  if (!doc)
    return doc.error();
  health result;
  auto protocol = json_input::required_string(doc.value(), "", "protocol");
  if (!protocol)
    return protocol.error();
  if (protocol.value() != version)
    return invalid_input{"protocol", "is '" + protocol.value()
                                       + "', this build speaks "
                                       + std::string{version}};
  result.protocol = std::move(protocol).value();
  auto status = json_input::required_string(doc.value(), "", "status");
  if (!status)
    return status.error();
  result.status = std::move(status).value();
  auto idempotent = optional_bool(doc.value(), "", "idempotent", true);
  if (!idempotent)
    return idempotent.error();
  result.idempotent = idempotent.value();
  return result;
}

std::string encode_error(std::string_view code, std::string_view message) {
  return json{{"error", code}, {"message", message}}.dump();
}

bool effect_present(const target_state& state, const instruction& x,
                    std::string* why) {
  auto differs = [&](std::string text) {
    if (why != nullptr)
      *why = std::move(text);
    return false;
  };
  if (!state.known)
    return differs("the endpoint does not know printer " + x.device.str());
  auto has_app = [&](const std::string& app) {
    return std::find(state.apps.begin(), state.apps.end(), app)
           != state.apps.end();
  };
  switch (x.kind) {
    case step_kind::skip:
      return true;
    case step_kind::firmware:
      if (state.firmware < x.firmware)
        return differs("firmware " + state.firmware.to_string() + ", not "
                       + x.firmware.to_string());
      return true;
    case step_kind::apps_install:
      for (auto& app : x.apps)
        if (!has_app(app))
          return differs("application " + app + " is not installed");
      return true;
    case step_kind::apps_remove:
      for (auto& app : x.apps)
        if (has_app(app))
          return differs("application " + app + " is still installed");
      return true;
    case step_kind::settings_apply:
    case step_kind::service_prepare: {
      if (x.kind == step_kind::service_prepare && !state.registered)
        return differs("printer " + x.device.str() + " is not registered");
      for (auto& [name, value] : x.values) {
        auto i = state.values.find(name);
        if (i == state.values.end() || i->second != value)
          return differs(
            "setting " + name + " is "
            + (i == state.values.end() ? "absent" : i->second.to_text())
            + ", not " + value.to_text());
      }
      return true;
    }
    case step_kind::settings_revert:
      for (auto& [name, _] : x.values)
        if (state.values.count(name) != 0)
          return differs("setting " + name + " is still there");
      return true;
    case step_kind::service_activate:
      if (!state.active)
        return differs("printer " + x.device.str() + " is not served");
      return true;
    case step_kind::service_deactivate:
      if (state.registered || state.active || !state.values.empty())
        return differs("printer " + x.device.str()
                       + " is still registered or served (settings: "
                       + settings_text(state.values) + ")");
      return true;
  }
  return differs("unknown step kind");
}

} // namespace endpoint
} // namespace messages
} // namespace onset
