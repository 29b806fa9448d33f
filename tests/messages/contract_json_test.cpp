#define CAF_SUITE contract_json
#include <caf/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "messages/contract_json.hpp"
#include "nodes/cli/view_json.hpp"
#include "tests/support/refusal.hpp"
#include "tests/support/shipped_catalog.hpp"

using namespace onset;
using json = nlohmann::json;

namespace {

json valid_document() {
  return json::parse(R"({
    "id": "C-1001", "version": 1, "customer": "acme",
    "start": "2026-12-01T00:00:00Z", "end": "2027-12-01T00:00:00Z",
    "devices": ["MFP-0001", "MFP-0002"],
    "services": { "data_backup": { "backup_format": "full" },
                  "failure_prediction": {} },
    "event_id": "evt-1" })");
}

// Parses `text` and checks that it is refused on `field` with a reason that
// contains `fragment`.
void check_refused(const std::string& text, const std::string& field,
                   const std::string& fragment) {
  test::check_refusal(parse_contract(text, test::shipped_catalog()), field,
                      fragment, text);
}

void check_refused(const json& doc, const std::string& field,
                   const std::string& fragment) {
  check_refused(doc.dump(), field, fragment);
}

template <class Edit>
json edited(Edit edit) {
  auto doc = valid_document();
  edit(doc);
  return doc;
}

} // namespace

CAF_TEST(a valid contract parses with every field) {
  auto result = parse_contract(valid_document().dump(),
                               test::shipped_catalog());
  CAF_REQUIRE(result);
  auto& x = result.value();
  CAF_CHECK_EQUAL(x.id, contract_id{"C-1001"});
  CAF_CHECK_EQUAL(x.version, 1u);
  CAF_CHECK_EQUAL(x.customer, customer_id{"acme"});
  CAF_CHECK_EQUAL(x.start.to_rfc3339(), "2026-12-01T00:00:00Z");
  CAF_CHECK_EQUAL(x.end.to_rfc3339(), "2027-12-01T00:00:00Z");
  CAF_REQUIRE_EQUAL(x.devices.size(), 2u);
  CAF_CHECK_EQUAL(x.devices[1], device_id{"MFP-0002"});
  CAF_REQUIRE_EQUAL(x.services.size(), 2u);
  auto& backup = x.services.at(service_id{"data_backup"});
  CAF_CHECK_EQUAL(backup.at("backup_format"), setting_value::of_word("full"));
  CAF_CHECK(x.services.at(service_id{"failure_prediction"}).empty());
  CAF_CHECK_EQUAL(x.event_id, "evt-1");
}

CAF_TEST(a contract survives a round trip through its document form) {
  auto first = parse_contract(valid_document().dump(), test::shipped_catalog());
  CAF_REQUIRE(first);
  auto again = parse_contract(to_json(first.value()).dump(),
                              test::shipped_catalog());
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(first.value(), again.value());
}

CAF_TEST(missing or empty id and customer are refused) {
  check_refused(edited([](json& d) { d.erase("id"); }), "id", "missing");
  check_refused(edited([](json& d) { d["id"] = ""; }), "id", "empty");
  check_refused(edited([](json& d) { d["id"] = 17; }), "id", "string");
  check_refused(edited([](json& d) { d.erase("customer"); }), "customer",
                "missing");
  check_refused(edited([](json& d) { d["customer"] = ""; }), "customer",
                "empty");
}

CAF_TEST(a version below one or not a whole number is refused) {
  check_refused(edited([](json& d) { d["version"] = 0; }), "version",
                "at least 1");
  check_refused(edited([](json& d) { d["version"] = -3; }), "version",
                "at least 1");
  check_refused(edited([](json& d) { d["version"] = "2"; }), "version",
                "whole number");
  check_refused(edited([](json& d) { d["version"] = 1.5; }), "version",
                "whole number");
  check_refused(edited([](json& d) { d.erase("version"); }), "version",
                "missing");
}

CAF_TEST(malformed and non utc timestamps are refused) {
  check_refused(edited([](json& d) { d["start"] = "tomorrow"; }), "start",
                "RFC 3339");
  check_refused(
    edited([](json& d) { d["start"] = "2026-12-01T09:00:00+09:00"; }), "start",
    "not in UTC");
  check_refused(edited([](json& d) { d["end"] = "2027-12-01T00:00:00"; }),
                "end", "time zone");
  check_refused(edited([](json& d) { d["end"] = "2027-02-30T00:00:00Z"; }),
                "end", "day 30");
  check_refused(edited([](json& d) { d["start"] = 1796083200; }), "start",
                "string");
}

CAF_TEST(an end not after the start is refused) {
  check_refused(edited([](json& d) { d["end"] = d["start"]; }), "end",
                "after start");
  check_refused(edited([](json& d) { d["end"] = "2025-01-01T00:00:00Z"; }),
                "end", "after start");
}

CAF_TEST(empty missing or duplicate devices are refused) {
  check_refused(edited([](json& d) { d["devices"] = json::array(); }),
                "devices", "empty");
  check_refused(edited([](json& d) { d.erase("devices"); }), "devices",
                "missing");
  check_refused(edited([](json& d) { d["devices"].push_back("MFP-0001"); }),
                "devices[2]", "duplicate 'MFP-0001'");
  check_refused(edited([](json& d) { d["devices"][0] = ""; }), "devices[0]",
                "empty");
  check_refused(edited([](json& d) { d["devices"][1] = 7; }), "devices[1]",
                "string");
}

CAF_TEST(unknown services and settings are refused) {
  check_refused(edited([](json& d) { d["services"]["teleportation"] = {}; }),
                "services.teleportation", "unknown service");
  check_refused(edited([](json& d) {
                  d["services"]["data_backup"]["backup_colour"] = "red";
                }),
                "services.data_backup.backup_colour", "unknown setting");
  check_refused(edited([](json& d) {
                  d["services"]["failure_prediction"]["threshold"] = 3;
                }),
                "services.failure_prediction.threshold",
                "no server-side settings");
  check_refused(edited([](json& d) { d["services"] = json::object(); }),
                "services", "at least one service");
  check_refused(edited([](json& d) { d["services"]["data_backup"] = 1; }),
                "services.data_backup", "JSON object");
}

CAF_TEST(a setting of the wrong type is refused) {
  check_refused(edited([](json& d) {
                  d["services"]["data_backup"]["scheduled_backup"] = "yes";
                }),
                "services.data_backup.scheduled_backup",
                "must be a boolean, not a string");
  check_refused(
    edited([](json& d) { d["services"]["data_backup"]["backup_format"] = 1; }),
    "services.data_backup.backup_format", "must be a string");
  check_refused(
    edited([](json& d) {
      d["services"]["parts_life_prediction"] = {{"alert_threshold_pct", 75.5}};
    }),
    "services.parts_life_prediction.alert_threshold_pct",
    "must be a whole number, not a fractional number");
  check_refused(edited([](json& d) {
                  d["services"]["data_backup"]["backup_weekdays"] = "sun";
                }),
                "services.data_backup.backup_weekdays",
                "must be an array of strings");
}

CAF_TEST(a value out of range or not allowed is refused) {
  check_refused(
    edited([](json& d) {
      d["services"]["parts_life_prediction"] = {{"alert_threshold_pct", 101}};
    }),
    "services.parts_life_prediction.alert_threshold_pct",
    "out of range 50..100");
  check_refused(
    edited([](json& d) {
      d["services"]["consumables_delivery"] = {{"delivery_threshold_pct", 0}};
    }),
    "services.consumables_delivery.delivery_threshold_pct",
    "out of range 1..50");
  check_refused(edited([](json& d) {
                  d["services"]["data_backup"]["backup_format"] = "incremental";
                }),
                "services.data_backup.backup_format",
                "'incremental' is not one of full|differential");
  check_refused(
    edited([](json& d) {
      d["services"]["data_backup"]["backup_weekdays"] = {"mon", "funday"};
    }),
    "services.data_backup.backup_weekdays", "'funday'");
  check_refused(
    edited([](json& d) {
      d["services"]["data_backup"]["backup_weekdays"] = {"mon", "mon"};
    }),
    "services.data_backup.backup_weekdays[1]", "duplicate 'mon'");
}

CAF_TEST(text that is not one json object is refused) {
  check_refused(std::string{"this is not json"}, "document", "not valid JSON");
  check_refused(std::string{""}, "document", "not valid JSON");
  check_refused(valid_document().dump() + " {}", "document",
                "trailing characters");
  check_refused(valid_document().dump() + "garbage", "document",
                "trailing characters");
  check_refused(std::string{"[1, 2]"}, "document", "JSON object");
  check_refused(std::string{"\"C-1001\""}, "document", "JSON object");
  check_refused(edited([](json& d) { d["priority"] = "high"; }), "priority",
                "unknown field");
  check_refused(edited([](json& d) { d["event_id"] = 12; }), "event_id",
                "string");
}

CAF_TEST(an array of contracts names the element that is wrong) {
  auto good = valid_document();
  auto bad = edited([](json& d) {
    d["id"] = "C-1002";
    d["version"] = 0;
  });
  auto result = parse_contracts(json::array({good, bad}).dump(),
                                test::shipped_catalog());
  CAF_REQUIRE(!result);
  CAF_CHECK_EQUAL(result.error().field, "[1].version");
  auto twice = parse_contracts(json::array({good, good}).dump(),
                               test::shipped_catalog());
  CAF_REQUIRE(!twice);
  CAF_CHECK_EQUAL(twice.error().field, "[1].id");
  auto both = parse_contracts(
    json::array({good, edited([](json& d) { d["version"] = 2; })}).dump(),
    test::shipped_catalog());
  CAF_REQUIRE(both);
  CAF_CHECK_EQUAL(both.value().size(), 2u);
}

// The API's answers read back by the CLI (nodes/cli/view_json.hpp).

namespace {

/// A contract view as the GATEWAY answers one: a renewed contract with a
/// service stream per printer, a step of every kind of payload.
contract_view sample_view() {
  contract_view x;
  x.summary = {contract_id{"C-1001"},
               2,
               customer_id{"acme"},
               contract_state::degraded,
               "1 printer degraded: MFP-0002 (x)",
               3,
               7};
  auto doc = contract_from_json(valid_document(), test::shipped_catalog());
  CAF_REQUIRE(doc);
  x.doc = doc.value();
  instruction firmware;
  firmware.stream = {x.doc.id, target::device(device_id{"MFP-0001"}), {}};
  firmware.seq = 2;
  firmware.kind = step_kind::firmware;
  firmware.device = device_id{"MFP-0001"};
  firmware.contract_version = 1;
  firmware.firmware = *firmware_version::parse("3.2.1");
  instruction prepare;
  prepare.stream = {x.doc.id, target::service(service_id{"data_backup"}),
                    device_id{"MFP-0002"}};
  prepare.seq = 1;
  prepare.kind = step_kind::service_prepare;
  prepare.device = device_id{"MFP-0002"};
  prepare.contract_version = 2;
  prepare.apps = {"backup-agent"};
  prepare.values.emplace("backup_format", setting_value::of_word("full"));
  prepare.values.emplace("days", setting_value::of_words({"sun", "mon"}));
  prepare.values.emplace("keep", setting_value::of_number(30));
  x.steps = {{firmware, true}, {prepare, false}};
  x.devices = {{device_id{"MFP-0001"}, 3, 3, ""},
               {device_id{"MFP-0002"}, 0, 4, "refused: no"}};
  return x;
}

} // namespace

CAF_TEST(the answers of the api read back into what the gateway answered) {
  auto view = sample_view();
  auto read = cli::contract_view_from_json(cli::to_json(view));
  CAF_REQUIRE(read);
  CAF_CHECK(read.value() == view);
  for (auto& step : view.steps) {
    auto one = cli::instruction_from_json(to_json(step.step));
    CAF_REQUIRE(one);
    CAF_CHECK(one.value() == step.step);
  }
  device_view printer;
  printer.state.registration = {device_id{"MFP-0001"},
                                customer_id{"acme"},
                                "iR C3326",
                                *firmware_version::parse("2.4.0"),
                                {}};
  printer.state.firmware = *firmware_version::parse("3.2.1");
  printer.state.apps = {"backup-agent"};
  printer.state.values.emplace("eco", setting_value::of_flag(true));
  printer.state.online = false;
  printer.applied = {{view.steps[0].step.stream, 2},
                     {view.steps[1].step.stream, 1}};
  auto printer_read = cli::device_view_from_json(cli::to_json(printer));
  CAF_REQUIRE(printer_read);
  CAF_CHECK(printer_read.value() == printer);
  history_entry line{*utc_time::parse_rfc3339("2026-12-01T10:00:00Z"),
                     history_kind::abandoned, "seq=3"};
  auto line_read = cli::history_entry_from_json(cli::to_json(line));
  CAF_REQUIRE(line_read);
  CAF_CHECK(line_read.value() == line);
  submit_result renewal{contract_id{"C-1001"}, 2, true, false};
  auto renewal_read = cli::submit_result_from_json(cli::to_json(renewal));
  CAF_REQUIRE(renewal_read);
  CAF_CHECK(renewal_read.value() == renewal);
  node_status node{"gw", "127.0.0.1:7500", {"gateway"}, true, 4, 9, 4, 3};
  auto node_read = cli::node_status_from_json(cli::to_json(node));
  CAF_REQUIRE(node_read);
  CAF_CHECK(node_read.value() == node);
}

CAF_TEST(a malformed answer of the api is refused naming the member) {
  auto answer = cli::to_json(sample_view());
  auto refused = [&](const std::string& field, const std::string& fragment,
                     auto edit) {
    auto x = answer;
    edit(x);
    test::check_refusal(cli::contract_view_from_json(x), field, fragment,
                        x.dump());
  };
  refused("state", "is not a contract state",
          [](json& x) { x["state"] = "dancing"; });
  refused("steps_acked", "whole number",
          [](json& x) { x["steps_acked"] = -1; });
  refused("version", "is missing", [](json& x) { x.erase("version"); });
  refused("steps[1].kind", "is not a step kind",
          [](json& x) { x["steps"][1]["kind"] = "teleport"; });
  refused("steps[0].stream", "is not a stream to device/MFP-0001",
          [](json& x) { x["steps"][0]["stream"] = "C-1001>device/MFP-0009"; });
  refused("steps[0].state", "neither sent nor acked",
          [](json& x) { x["steps"][0]["state"] = "lost"; });
  refused("contract.start", "is not an RFC 3339 time",
          [](json& x) { x["contract"]["start"] = "yesterday"; });
  refused("contract.services.data_backup.backup_format", "", [](json& x) {
    x["contract"]["services"]["data_backup"]["backup_format"] = 1.5;
  });
  refused("devices", "must be an array",
          [](json& x) { x["devices"] = "MFP-0001"; });
  test::check_refusal(cli::contract_view_from_json(json::array()), "",
                      "must be an object", "[]");
  test::check_refusal(
    cli::history_entry_from_json(
      json{{"at", "2026-12-01T10:00:00Z"}, {"kind", "gossip"}, {"detail", ""}}),
    "kind", "is not a kind of history line", "gossip");
}
