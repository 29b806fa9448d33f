#define CAF_SUITE device_json
#include <caf/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "messages/device_json.hpp"
#include "messages/endpoint_protocol.hpp"
#include "messages/instruction_digest.hpp"
#include "tests/support/refusal.hpp"
#include "tests/support/shipped_catalog.hpp"

using namespace onset;

namespace {

void check_refused(const std::string& text, const std::string& field,
                   const std::string& fragment) {
  test::check_refusal(parse_device_records(text), field, fragment, text);
}

} // namespace

CAF_TEST(the sample devices parse) {
  std::ifstream in{test::source_path("config/samples/devices.json")};
  std::stringstream text;
  text << in.rdbuf();
  auto result = parse_device_records(text.str());
  CAF_REQUIRE(result);
  CAF_CHECK(result.value().size() >= 5);
  auto& first = result.value().front();
  CAF_CHECK_EQUAL(first.id, device_id{"MFP-0001"});
  CAF_CHECK_EQUAL(first.customer, customer_id{"acme"});
  CAF_CHECK_EQUAL(first.firmware.to_string(), "2.4.0");
}

CAF_TEST(a device record survives a round trip) {
  auto result = parse_device_records(
    R"({"id":"MFP-9","customer":"acme","model":"X","firmware":"3.1",
        "apps":["b","a"]})");
  CAF_REQUIRE(result);
  auto& x = result.value().front();
  CAF_CHECK_EQUAL(x.apps, (std::vector<std::string>{"a", "b"}));
  auto again = parse_device_records(to_json(x).dump());
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again.value().front(), x);
}

CAF_TEST(a device record without a model passes the check of wire input) {
  auto result = parse_device_records(
    R"([{"id":"P-1","customer":"acme","firmware":"2.4.0"}])");
  CAF_REQUIRE(result);
  auto& x = result.value().front();
  CAF_CHECK(x.model.empty());
  auto problem = check_device_record(x, "[0]");
  if (problem)
    CAF_MESSAGE("refused: " << problem->to_string());
  CAF_CHECK(!problem);
  CAF_CHECK(!to_json(x).contains("model"));
}

CAF_TEST(bad device records are refused naming the field) {
  check_refused(R"([{"customer":"acme","firmware":"1.0"}])", "[0].id",
                "missing");
  check_refused(R"([{"id":"A","customer":"","firmware":"1.0"}])",
                "[0].customer", "empty");
  check_refused(R"([{"id":"A","customer":"c","firmware":"new"}])",
                "[0].firmware", "not a version");
  check_refused(R"([{"id":"A","customer":"c","firmware":"1.0","apps":"x"}])",
                "[0].apps", "array");
  check_refused(R"([{"id":"A","customer":"c","firmware":"1.0","colour":1}])",
                "[0].colour", "unknown field");
  check_refused(R"([{"id":"A","customer":"c","firmware":"1.0"},
                    {"id":"A","customer":"c","firmware":"1.0"}])",
                "[1].id", "appears twice");
  check_refused("[]", "document", "no device record");
  check_refused("[{}] trailing", "document", "trailing characters");
}

// The endpoint protocol v1 (docs/endpoints.md): the wire shapes both sides
// share, and what they refuse.

namespace {

namespace ep = onset::endpoint;

instruction firmware_step() {
  instruction x;
  x.stream = stream_id{contract_id{"C-1"}, target::device(device_id{"MFP-1"})};
  x.seq = 2;
  x.kind = step_kind::firmware;
  x.device = device_id{"MFP-1"};
  x.contract_version = 1;
  x.firmware = *firmware_version::parse("2.4.0");
  return x;
}

instruction prepare_step() {
  instruction x;
  x.stream = stream_id{contract_id{"C>1@x"},
                       target::service(service_id{"data_backup"}),
                       device_id{"MFP-1"}};
  x.seq = 1;
  x.kind = step_kind::service_prepare;
  x.device = device_id{"MFP-1"};
  x.contract_version = 3;
  x.values["backup_format"] = setting_value::of_word("zip");
  x.values["days"] = setting_value::of_words({"sun", "mon"});
  return x;
}

/// The apply request of `x` as JSON, for tests that spoil one field.
nlohmann::json request_of(const instruction& x) {
  return nlohmann::json::parse(ep::encode_apply_request({x}));
}

void check_request_refused(const nlohmann::json& request,
                           const std::string& field,
                           const std::string& fragment) {
  test::check_refusal(ep::parse_apply_request(request.dump()), field, fragment,
                      request.dump());
}

ep::target_state printer_state() {
  ep::target_state st;
  st.ref = {target::device(device_id{"MFP-1"}), device_id{"MFP-1"}};
  st.firmware = *firmware_version::parse("2.4.1");
  st.apps = {"backup_agent"};
  st.values["tray"] = setting_value::of_number(2);
  st.streams["C-1>device/MFP-1"] = 2;
  return st;
}

} // namespace

CAF_TEST(an apply request survives a round trip with its digests) {
  auto sent = std::vector<instruction>{firmware_step(), prepare_step()};
  auto parsed = ep::parse_apply_request(ep::encode_apply_request(sent));
  CAF_REQUIRE(parsed);
  CAF_REQUIRE_EQUAL(parsed.value().size(), 2u);
  for (size_t i = 0; i < sent.size(); ++i) {
    CAF_CHECK(parsed.value()[i].x == sent[i]);
    CAF_CHECK(parsed.value()[i].digest == content_digest(sent[i]));
  }
  CAF_MESSAGE("a contract id holding '>' and '@' is read from the target");
  CAF_CHECK_EQUAL(parsed.value()[1].x.stream.contract, contract_id{"C>1@x"});
}

CAF_TEST(an apply request carries its deadline to every instruction) {
  auto sent = std::vector<instruction>{firmware_step(), prepare_step()};
  int64_t not_after = 1796610367123; // 2026-12-07T02:26:07.123Z
  auto request = ep::encode_apply_request(sent, not_after);
  CAF_CHECK_EQUAL(
    nlohmann::json::parse(request).at("not_after").get<std::string>(),
    "2026-12-07T02:26:07.123Z");
  auto parsed = ep::parse_apply_request(request);
  CAF_REQUIRE(parsed);
  for (auto& item : parsed.value())
    CAF_CHECK_EQUAL(item.not_after_ms, std::optional<int64_t>{not_after});
  CAF_MESSAGE("without not_after there is no deadline");
  parsed = ep::parse_apply_request(ep::encode_apply_request(sent));
  CAF_REQUIRE(parsed);
  CAF_CHECK(!parsed.value()[0].not_after_ms);
  CAF_MESSAGE("a fraction is read to the millisecond, none is .000");
  auto x = nlohmann::json::parse(request);
  x["not_after"] = "2026-12-07T02:26:07.1239Z";
  parsed = ep::parse_apply_request(x.dump());
  CAF_REQUIRE(parsed);
  CAF_CHECK_EQUAL(parsed.value()[0].not_after_ms,
                  std::optional<int64_t>{not_after});
  x["not_after"] = "2026-12-07T02:26:07Z";
  parsed = ep::parse_apply_request(x.dump());
  CAF_REQUIRE(parsed);
  CAF_CHECK_EQUAL(parsed.value()[0].not_after_ms,
                  std::optional<int64_t>{not_after - 123});
  CAF_CHECK_EQUAL(ep::time_ms_to_rfc3339(0), "1970-01-01T00:00:00.000Z");
  x["not_after"] = 1796610367123;
  check_request_refused(x, "not_after", "must be a string");
  x["not_after"] = "2026-12-07T02:26:07.123+01:00";
  check_request_refused(x, "not_after", "not in UTC");
  x["not_after"] = "tomorrow";
  check_request_refused(x, "not_after", "RFC 3339");
}

CAF_TEST(an apply request that does not follow the protocol is refused) {
  auto x = request_of(firmware_step());
  check_request_refused(x.at("instructions"), "document",
                        "must be a JSON object");
  auto bad = x;
  bad["instructions"][0]["digest"] = std::string(64, 'a');
  check_request_refused(bad, "instructions[0].digest", "does not match");
  bad = x;
  bad["instructions"][0]["firmware"] = "2.5.0";
  check_request_refused(bad, "instructions[0].digest", "does not match");
  bad = x;
  bad["instructions"][0]["digest"] = "xyz";
  check_request_refused(bad, "instructions[0].digest", "64 lowercase hex");
  bad = x;
  bad["instructions"][0]["stream"] = "C-1>device/MFP-2";
  check_request_refused(bad, "instructions[0].stream", "must be CONTRACT");
  bad = x;
  bad["instructions"][0]["kind"] = "activate";
  check_request_refused(bad, "instructions[0].kind", "does not go to a");
  bad = x;
  bad["instructions"][0]["kind"] = "reboot";
  check_request_refused(bad, "instructions[0].kind", "unknown step kind");
  bad = x;
  bad["instructions"][0]["seq"] = 0;
  check_request_refused(bad, "instructions[0].seq", "at least 1");
  bad = x;
  bad["instructions"][0].erase("firmware");
  check_request_refused(bad, "instructions[0].firmware", "is missing");
  bad = x;
  bad["instructions"][0]["color"] = "red";
  check_request_refused(bad, "instructions[0].color", "");
  bad = x;
  bad["instructions"] = nlohmann::json::array();
  check_request_refused(bad, "instructions", "must not be empty");
  for (size_t i = 0; i < ep::max_batch; ++i)
    x["instructions"].push_back(x["instructions"][0]);
  check_request_refused(x, "instructions", "at most 256");
  test::check_refusal(ep::parse_apply_request("{"), "document", "", "{");
}

CAF_TEST(an apply answer must answer what was sent) {
  auto sent = std::vector<instruction>{firmware_step(), prepare_step()};
  ep::apply_result applied;
  applied.stream = sent[0].stream;
  applied.seq = sent[0].seq;
  applied.state = printer_state();
  ep::apply_result later;
  later.stream = sent[1].stream;
  later.seq = sent[1].seq;
  later.outcome = ep::outcome_kind::out_of_order;
  later.expected_seq = 1;
  later.reason = "behind";
  auto body = ep::encode_apply_response({applied, later});
  auto parsed = ep::parse_apply_response(body, sent);
  CAF_REQUIRE(parsed);
  CAF_CHECK(parsed.value()[0] == applied);
  CAF_CHECK(parsed.value()[1] == later);
  CAF_MESSAGE("fewer results, another seq, no state, a state of another "
              "target, an unknown outcome");
  test::check_refusal(
    ep::parse_apply_response(ep::encode_apply_response({applied}), sent),
    "results", "1 elements for 2 instructions", body);
  auto other = applied;
  other.seq = 7;
  test::check_refusal(
    ep::parse_apply_response(ep::encode_apply_response({other, later}), sent),
    "results[0].seq", "sent was 2", body);
  auto stateless = applied;
  stateless.state.reset();
  test::check_refusal(ep::parse_apply_response(
                        ep::encode_apply_response({stateless, later}), sent),
                      "results[0].state", "is missing", body);
  auto elsewhere = applied;
  elsewhere.state->ref = {target::device(device_id{"MFP-2"}),
                          device_id{"MFP-2"}};
  test::check_refusal(ep::parse_apply_response(
                        ep::encode_apply_response({elsewhere, later}), sent),
                      "results[0].state.target", "not the target", body);
  auto odd = nlohmann::json::parse(body);
  odd["results"][1]["outcome"] = "maybe";
  test::check_refusal(ep::parse_apply_response(odd.dump(), sent),
                      "results[1].outcome", "unknown outcome", body);
  test::check_refusal(ep::parse_apply_response("[1,2]", sent), "document",
                      "must be a JSON object", "[1,2]");
}

CAF_TEST(a read survives a round trip and must answer what was asked) {
  auto asked = std::vector<ep::target_ref>{
    printer_state().ref,
    {target::service(service_id{"data_backup"}), device_id{"MFP-1"}}};
  auto request = ep::parse_read_request(ep::encode_read_request(asked));
  CAF_REQUIRE(request);
  CAF_CHECK(request.value() == asked);
  ep::target_state service;
  service.ref = asked[1];
  service.registered = true;
  service.values["backup_format"] = setting_value::of_word("zip");
  ep::target_state unknown;
  unknown.ref = asked[0];
  unknown.known = false;
  auto states = std::vector<ep::target_state>{printer_state(), service};
  auto parsed = ep::parse_read_response(ep::encode_read_response(states),
                                        asked);
  CAF_REQUIRE(parsed);
  CAF_CHECK(parsed.value() == states);
  auto swapped = std::vector<ep::target_state>{service, printer_state()};
  test::check_refusal(ep::parse_read_response(ep::encode_read_response(swapped),
                                              asked),
                      "targets[0].target", "not the target", "swapped");
  auto one = ep::parse_target_state(ep::encode_target_state(unknown));
  CAF_REQUIRE(one);
  CAF_CHECK(one.value() == unknown);
  test::check_refusal(
    ep::parse_read_request(R"({"targets":[{"target":"service/x"}]})"),
    "targets[0].device", "is missing", "no device");
  test::check_refusal(
    ep::parse_read_request(R"({"targets":[{"target":"printer/x"}]})"),
    "targets[0].target", "device/ID", "bad target");
}

CAF_TEST(health says the protocol version and the kind of endpoint) {
  auto parsed = ep::parse_health(ep::encode_health({"v1", "ok", false}));
  CAF_REQUIRE(parsed);
  CAF_CHECK(!parsed.value().idempotent);
  test::check_refusal(ep::parse_health(R"({"protocol":"v2","status":"ok"})"),
                      "protocol", "this build speaks v1", "v2");
}

CAF_TEST(the read back finds an effect by what the step touches) {
  auto st = printer_state();
  auto x = firmware_step();
  CAF_CHECK(ep::effect_present(st, x));
  x.firmware = *firmware_version::parse("3.0");
  std::string why;
  CAF_CHECK(!ep::effect_present(st, x, &why));
  CAF_CHECK_EQUAL(why, "firmware 2.4.1, not 3.0");
  x.kind = step_kind::apps_install;
  x.apps = {"backup_agent"};
  CAF_CHECK(ep::effect_present(st, x));
  x.kind = step_kind::apps_remove;
  CAF_CHECK(!ep::effect_present(st, x));
  x.kind = step_kind::settings_apply;
  x.values = {{"tray", setting_value::of_number(2)}};
  CAF_CHECK(ep::effect_present(st, x));
  x.values = {{"tray", setting_value::of_number(3)}};
  CAF_CHECK(!ep::effect_present(st, x, &why));
  CAF_CHECK_EQUAL(why, "setting tray is 2, not 3");
  x.kind = step_kind::settings_revert;
  CAF_CHECK(!ep::effect_present(st, x));
  x.values = {{"duplex", setting_value::of_flag(true)}};
  CAF_CHECK(ep::effect_present(st, x));
  x.kind = step_kind::skip;
  CAF_CHECK(ep::effect_present(st, x));
  auto p = prepare_step();
  ep::target_state service;
  service.ref = ep::target_of(p);
  CAF_CHECK(!ep::effect_present(service, p));
  service.registered = true;
  service.values = p.values;
  CAF_CHECK(ep::effect_present(service, p));
  p.kind = step_kind::service_activate;
  CAF_CHECK(!ep::effect_present(service, p));
  p.kind = step_kind::service_deactivate;
  CAF_CHECK(!ep::effect_present(service, p));
  ep::target_state dropped;
  dropped.ref = service.ref;
  CAF_CHECK(ep::effect_present(dropped, p));
}

CAF_TEST(no prefix of a valid body makes a parser throw or accept) {
  auto sent = std::vector<instruction>{firmware_step(), prepare_step()};
  auto request = ep::encode_apply_request(sent);
  ep::apply_result applied;
  applied.stream = sent[0].stream;
  applied.seq = sent[0].seq;
  applied.state = printer_state();
  ep::apply_result refused;
  refused.stream = sent[1].stream;
  refused.seq = sent[1].seq;
  refused.outcome = ep::outcome_kind::refused;
  auto answer = ep::encode_apply_response({applied, refused});
  size_t accepted = 0;
  for (size_t n = 0; n < answer.size(); ++n) {
    if (n < request.size() && ep::parse_apply_request(request.substr(0, n)))
      ++accepted;
    if (ep::parse_apply_response(answer.substr(0, n), sent))
      ++accepted;
    if (ep::parse_target_state(answer.substr(0, n)))
      ++accepted;
  }
  CAF_CHECK_EQUAL(accepted, 0u);
}
