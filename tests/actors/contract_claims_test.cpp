// One scenario per claim of the source patent (JP 2025-120862 A), run on the
// deterministic scheduler with real LMDB.
#define CAF_SUITE contract_claims
#include "tests/actors/engine_fixture.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

namespace {

using words = std::vector<std::string>;

const char* backup_full = R"({"data_backup":{"backup_format":"full"}})";

} // namespace

CAF_TEST_FIXTURE_SCOPE(contract_claims_tests, engine_fixture)

CAF_TEST(claim 1 a contract reaching its start date sends both instructions) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-1", 1, backup_full)));
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::scheduled);
  CAF_CHECK(sent("C-1").empty());
  CAF_MESSAGE("the day before the start nothing is sent");
  pass(std::chrono::seconds{3});
  CAF_CHECK(sent("C-1").empty());
  CAF_MESSAGE("the start date comes");
  now = *utc_time::parse_rfc3339("2026-12-01T00:00:00Z");
  pass(std::chrono::seconds{1});
  CAF_CHECK_EQUAL(state_of("C-1"), contract_state::active);
  CAF_CHECK_EQUAL(sent("C-1"),
                  (words{"prepare@service/data_backup", "firmware@device/MFP-1",
                         "apps@device/MFP-1", "settings@device/MFP-1",
                         "activate@service/data_backup"}));
  auto printer = device("MFP-1").state;
  CAF_CHECK_EQUAL(printer.firmware, fw("3.2.1"));
  CAF_CHECK_EQUAL(printer.apps, words{"backup-agent"});
  CAF_CHECK_EQUAL(printer.values.at("backup.enabled"),
                  setting_value::of_flag(true));
  auto server = service("data_backup", "MFP-1");
  CAF_REQUIRE(server);
  CAF_CHECK(server->state.registered);
  CAF_CHECK(server->state.active);
  check_effects_once();
}

CAF_TEST(claim 2 an external start event starts the period) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-2", 1, backup_full, R"(["MFP-1"])",
                          "2027-06-01T00:00:00Z", "2028-06-01T00:00:00Z")));
  CAF_CHECK_EQUAL(state_of("C-2"), contract_state::scheduled);
  CAF_MESSAGE("the billing system says the period started");
  CAF_REQUIRE(ask<atom::ok>(contracts, atom::start_v, contract_id{"C-2"},
                            std::string{"billing-42"}, requester{}));
  CAF_CHECK_EQUAL(state_of("C-2"), contract_state::active);
  CAF_CHECK_EQUAL(sent("C-2").size(), 5u);
  CAF_MESSAGE("the same event again changes nothing");
  auto before = history("C-2").size();
  CAF_REQUIRE(ask<atom::ok>(contracts, atom::start_v, contract_id{"C-2"},
                            std::string{"billing-42"}, requester{}));
  CAF_CHECK_EQUAL(history("C-2").size(), before);
}

CAF_TEST(claim 3 a device only service gets no service instruction) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-3", 1, R"({"failure_prediction":{}})",
                          R"(["MFP-1"])", "2026-11-01T00:00:00Z")));
  CAF_CHECK_EQUAL(state_of("C-3"), contract_state::active);
  CAF_CHECK_EQUAL(sent("C-3"), words{"settings@device/MFP-1"});
  for (auto& step : view("C-3").steps)
    CAF_CHECK(step.step.stream.to.kind == target_kind::device);
  auto server = service("failure_prediction", "MFP-1");
  CAF_CHECK(!server || !server->state.registered);
  CAF_CHECK_EQUAL(device("MFP-1").state.values.at("diagnostics.upload"),
                  setting_value::of_flag(true));
}

CAF_TEST(claim 5 customer values reach the printer and the service) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(make("C-5", 1,
                          R"({"data_backup":{"backup_format":"full",
                                             "backup_weekdays":["sat","sun"]},
                              "consumables_delivery":
                                {"delivery_threshold_pct":15}})",
                          R"(["MFP-1"])", "2026-11-01T00:00:00Z")));
  CAF_CHECK_EQUAL(state_of("C-5"), contract_state::active);
  auto backup = service("data_backup", "MFP-1");
  CAF_REQUIRE(backup);
  CAF_CHECK_EQUAL(backup->state.values.at("backup_format"),
                  setting_value::of_word("full"));
  CAF_CHECK_EQUAL(backup->state.values.at("backup_weekdays"),
                  setting_value::of_words({"sat", "sun"}));
  CAF_MESSAGE("values the customer did not set take the catalog default");
  CAF_CHECK_EQUAL(backup->state.values.at("backup_period"),
                  setting_value::of_word("weekly"));
  auto delivery = service("consumables_delivery", "MFP-1");
  CAF_REQUIRE(delivery);
  CAF_CHECK_EQUAL(delivery->state.values.at("delivery_threshold_pct"),
                  setting_value::of_number(15));
  CAF_CHECK_EQUAL(delivery->state.values.at("payment_method"),
                  setting_value::of_word("invoice"));
  auto printer = device("MFP-1").state;
  CAF_CHECK_EQUAL(printer.values.at("telemetry.toner_level"),
                  setting_value::of_flag(true));
  CAF_CHECK_EQUAL(printer.values.at("backup.enabled"),
                  setting_value::of_flag(true));
}

CAF_TEST(claim 6 each step is acknowledged before the next is sent) {
  enroll("MFP-1");
  enroll("MFP-2", "3.0.1");
  CAF_REQUIRE(
    submit(make("C-6", 1, R"({"data_backup":{},"cloud_doc_backup":{}})",
                R"(["MFP-1","MFP-2"])", "2026-11-01T00:00:00Z")));
  CAF_CHECK_EQUAL(state_of("C-6"), contract_state::active);
  for (auto dev : {"device/MFP-1", "device/MFP-2"}) {
    auto id = std::string{dev}.substr(7);
    std::vector<std::string> order;
    std::string open;
    for (auto& h : history("C-6")) {
      if (h.detail.find("device=" + id) == std::string::npos)
        continue;
      auto word = word_of(h.detail);
      if (h.kind == history_kind::sent) {
        CAF_CHECK_EQUAL(open, "");
        open = word;
        order.push_back(word.substr(0, word.find('@')));
      } else if (h.kind == history_kind::acked) {
        CAF_CHECK_EQUAL(open, word);
        open.clear();
      }
    }
    CAF_CHECK_EQUAL(order, (words{"prepare", "prepare", "firmware", "apps",
                                  "settings", "activate", "activate"}));
  }
  CAF_MESSAGE("the simulated printer refuses a misordered step");
  enroll("MFP-3");
  auto x = step(device_stream("C-X", "MFP-3"), 1, step_kind::settings_apply,
                "MFP-3");
  x.values.emplace("backup.enabled", setting_value::of_flag(true));
  auto refused = ask<instruction_ack>(devices, atom::apply_v, x);
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::refused));
  CAF_CHECK(device("MFP-3").state.values.empty());
}

CAF_TEST(claim 7 a renewal sends only the delta and no change sends nothing) {
  enroll("MFP-1");
  CAF_REQUIRE(submit(
    make("C-7", 1, backup_full, R"(["MFP-1"])", "2026-11-01T00:00:00Z")));
  CAF_CHECK_EQUAL(state_of("C-7"), contract_state::active);
  auto first = sent("C-7").size();
  CAF_MESSAGE("renewal with one changed server-side setting");
  auto renewal = submit(
    make("C-7", 2, R"({"data_backup":{"backup_format":"differential"}})",
         R"(["MFP-1"])", "2026-11-01T00:00:00Z"));
  CAF_REQUIRE(renewal);
  CAF_CHECK(renewal->renewal);
  CAF_CHECK_EQUAL(state_of("C-7"), contract_state::active);
  auto all = sent("C-7");
  CAF_CHECK_EQUAL(words(all.begin() + first, all.end()),
                  words{"prepare@service/data_backup"});
  auto backup = service("data_backup", "MFP-1");
  CAF_REQUIRE(backup);
  CAF_CHECK_EQUAL(backup->state.values.at("backup_format"),
                  setting_value::of_word("differential"));
  CAF_MESSAGE("a renewal that changes nothing sends nothing");
  CAF_REQUIRE(
    submit(make("C-7", 3, R"({"data_backup":{"backup_format":"differential"}})",
                R"(["MFP-1"])", "2026-11-01T00:00:00Z")));
  CAF_CHECK_EQUAL(sent("C-7").size(), all.size());
  CAF_CHECK_EQUAL(view("C-7").summary.version, 3u);
  CAF_CHECK_EQUAL(state_of("C-7"), contract_state::active);
  check_effects_once();
}

CAF_TEST_FIXTURE_SCOPE_END()
