// The GATEWAY checks what arrives over the wire again: documents built by a
// client of its own (not by onset's JSON reader) with ids that cannot be
// stored are refused, naming the field, and nothing is stored.
#define CAF_SUITE gateway
#include "actors/gateway.hpp"
#include "tests/actors/engine_fixture.hpp"
#include "tests/support/refusal.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

namespace {

struct gateway_fixture : engine_fixture {
  gateway_actor gateway;

  gateway_fixture() {
    gateway_routes routes{contracts, devices, services, {}};
    gateway = sys.spawn(gateway_behavior, routes,
                        std::shared_ptr<const catalog>{cat},
                        std::chrono::seconds{5});
    run();
  }

  ~gateway_fixture() override {
    stop(gateway);
    run();
  }

  caf::expected<std::vector<submit_result>> submit_one(contract doc) {
    return ask<std::vector<submit_result>>(gateway, atom::submit_v,
                                           std::vector<contract>{doc});
  }

  std::string refused_text(const caf::error& err) {
    CAF_CHECK(is(err, error_code::invalid_input));
    return sys.render(err);
  }
};

const char* backup = R"({"data_backup":{}})";

} // namespace

CAF_TEST_FIXTURE_SCOPE(gateway_tests, gateway_fixture)

CAF_TEST(a contract id too long for a key is refused and nothing stored) {
  enroll("MFP-1");
  auto doc = make("C-1", 1, backup);
  doc.id = contract_id{std::string(490, 'C')};
  auto refused = submit_one(doc);
  CAF_REQUIRE(!refused);
  check_contains(refused_text(refused.error()), "id: is 490 bytes long");
  auto all = ask<std::vector<contract_summary>>(contracts, atom::list_v);
  CAF_REQUIRE(all);
  CAF_CHECK(all->empty());
}

CAF_TEST(printer customer and event ids are checked too) {
  enroll("MFP-1");
  auto doc = make("C-2", 1, backup);
  doc.devices.push_back(device_id{std::string(200, 'D')});
  check_contains(refused_text(submit_one(doc).error()), "devices[1]: is 200");
  doc = make("C-2", 1, backup);
  doc.customer = customer_id{"ac\x01me"};
  check_contains(refused_text(submit_one(doc).error()),
                 "customer: holds a control character");
  doc = make("C-2", 1, backup);
  doc.event_id = "\xff\xfe";
  check_contains(refused_text(submit_one(doc).error()),
                 "event_id: is not valid UTF-8");
  auto started = ask<atom::ok>(gateway, atom::start_v, contract_id{"C-2"},
                               std::string(300, 'E'));
  CAF_REQUIRE(!started);
  check_contains(refused_text(started.error()), "event_id: is 300 bytes long");
  auto cancelled = ask<atom::ok>(gateway, atom::cancel_v,
                                 contract_id{std::string(600, 'C')});
  CAF_REQUIRE(!cancelled);
  check_contains(refused_text(cancelled.error()), "id: is 600 bytes long");
}

CAF_TEST(a printer id too long for a key is not enrolled) {
  device_record long_one{device_id{std::string(600, 'M')},
                         customer_id{"acme"},
                         "X",
                         fw("3.0.0"),
                         {}};
  auto refused = ask<atom::ok>(gateway, atom::enroll_v,
                               std::vector<device_record>{long_one});
  CAF_REQUIRE(!refused);
  check_contains(refused_text(refused.error()), "[0].id: is 600 bytes long");
  auto all = ask<std::vector<device_record>>(devices, atom::list_v);
  CAF_REQUIRE(all);
  CAF_CHECK(all->empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
