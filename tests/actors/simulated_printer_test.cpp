#define CAF_SUITE simulated_printer
#include <caf/test/unit_test.hpp>

#include "actors/simulated_printer.hpp"
#include "tests/support/shipped_catalog.hpp"

using namespace onset;
using namespace onset::actors;
using namespace std::chrono_literals;
using status = actors::driver_result::status;

namespace {

firmware_version v(const char* text) {
  auto result = firmware_version::parse(text);
  CAF_REQUIRE(result.has_value());
  return *result;
}

struct fixture {
  device_id id{"MFP-1"};
  device_state printer;
  actors::simulated_printer_options options;

  fixture() {
    printer.registration.id = id;
    printer.firmware = v("2.4.0");
  }

  std::unique_ptr<actors::device_driver> driver() {
    return actors::simulated_printer_factory(test::shipped_catalog(),
                                             options)(id);
  }

  instruction step(step_kind kind) {
    instruction x;
    x.stream = {contract_id{"C-1"}, target::device(id)};
    x.seq = 1;
    x.kind = kind;
    x.device = id;
    return x;
  }

  instruction firmware(const char* version) {
    auto x = step(step_kind::firmware);
    x.firmware = v(version);
    return x;
  }

  instruction apps(std::vector<std::string> names,
                   step_kind kind = step_kind::apps_install) {
    auto x = step(kind);
    x.apps = std::move(names);
    return x;
  }

  instruction values(settings xs, step_kind kind = step_kind::settings_apply) {
    auto x = step(kind);
    x.values = std::move(xs);
    return x;
  }

  /// Applies `x` and, when applied, makes the result the printer's state.
  actors::driver_result run(actors::device_driver& drv, const instruction& x) {
    auto result = drv.apply(printer, x);
    if (result.outcome == status::applied)
      printer = result.state;
    return result;
  }
};

const setting_value on = setting_value::of_flag(true);

} // namespace

CAF_TEST_FIXTURE_SCOPE(simulated_printer_tests, fixture)

CAF_TEST(the provisioning order firmware apps settings is accepted) {
  auto drv = driver();
  CAF_CHECK(run(*drv, firmware("3.2.1")).outcome == status::applied);
  CAF_CHECK_EQUAL(printer.firmware, v("3.2.1"));
  CAF_CHECK(run(*drv, apps({"backup-agent"})).outcome == status::applied);
  CAF_CHECK(printer.apps == std::vector<std::string>{"backup-agent"});
  CAF_CHECK(run(*drv, values({{"backup.enabled", on}})).outcome
            == status::applied);
  CAF_CHECK(printer.values == settings{{"backup.enabled", on}});
}

CAF_TEST(an application below the firmware of its service is refused) {
  auto drv = driver();
  auto result = run(*drv, apps({"backup-agent"}));
  CAF_CHECK(result.outcome == status::refused);
  CAF_CHECK_EQUAL(result.reason, "application backup-agent needs firmware "
                                 "3.0.0, printer runs 2.4.0");
  CAF_CHECK(printer.apps.empty());
}

CAF_TEST(a setting before its application is refused) {
  printer.firmware = v("3.2.1");
  auto drv = driver();
  auto result = run(*drv, values({{"scan_to_cloud.enabled", on}}));
  CAF_CHECK(result.outcome == status::refused);
  CAF_CHECK_EQUAL(result.reason, "setting scan_to_cloud.enabled needs "
                                 "application cloud-connector, which is not "
                                 "installed");
  CAF_CHECK(printer.values.empty());
}

CAF_TEST(settings of services without applications need nothing) {
  auto drv = driver();
  CAF_CHECK(
    run(*drv, values({{"telemetry.toner_level", on}, {"custom.key", on}}))
      .outcome
    == status::applied);
  CAF_CHECK_EQUAL(printer.values.size(), 2u);
}

CAF_TEST(an unknown application is refused) {
  printer.firmware = v("9.0");
  auto drv = driver();
  auto result = run(*drv, apps({"solitaire"}));
  CAF_CHECK(result.outcome == status::refused);
  CAF_CHECK_EQUAL(result.reason, "unknown application solitaire");
}

CAF_TEST(firmware at or above the target is left alone) {
  printer.firmware = v("3.10.0");
  auto drv = driver();
  CAF_CHECK(run(*drv, firmware("3.2.1")).outcome == status::applied);
  CAF_CHECK_EQUAL(printer.firmware, v("3.10.0"));
  CAF_CHECK(run(*drv, firmware("3.10")).outcome == status::applied);
  CAF_CHECK_EQUAL(printer.firmware, v("3.10.0"));
}

CAF_TEST(deprovisioning reverts settings and removes applications) {
  printer.firmware = v("3.2.1");
  printer.apps = {"backup-agent", "cloud-connector"};
  printer.values = {{"backup.enabled", on}, {"scan_to_cloud.enabled", on}};
  auto drv = driver();
  CAF_CHECK(
    run(*drv, values({{"backup.enabled", on}}, step_kind::settings_revert))
      .outcome
    == status::applied);
  CAF_CHECK(printer.values == settings{{"scan_to_cloud.enabled", on}});
  CAF_CHECK(run(*drv, apps({"backup-agent"}, step_kind::apps_remove)).outcome
            == status::applied);
  CAF_CHECK(printer.apps == std::vector<std::string>{"cloud-connector"});
}

CAF_TEST(service steps are not printer steps) {
  auto drv = driver();
  auto result = run(*drv, step(step_kind::service_prepare));
  CAF_CHECK(result.outcome == status::refused);
  CAF_CHECK_EQUAL(result.reason, "not a printer step: prepare");
}

CAF_TEST(an offline printer fails transiently) {
  printer.online = false;
  auto drv = driver();
  auto result = run(*drv, firmware("3.2.1"));
  CAF_CHECK(result.outcome == status::transient);
  CAF_CHECK_EQUAL(printer.firmware, v("2.4.0"));
}

CAF_TEST(failure injection follows the rate and the seed) {
  options.failure_rate = 1.0;
  auto always = driver();
  for (int i = 0; i < 10; ++i)
    CAF_CHECK(run(*always, firmware("3.2.1")).outcome == status::transient);
  CAF_CHECK_EQUAL(printer.firmware, v("2.4.0"));
  options.failure_rate = 0.5;
  options.seed = 7;
  auto draws = [&] {
    auto drv = driver();
    std::vector<bool> result;
    for (int i = 0; i < 64; ++i)
      result.push_back(drv->apply(printer, firmware("3.2.1")).outcome
                       == status::transient);
    return result;
  };
  auto first = draws();
  CAF_CHECK(first == draws());
  auto failures = std::count(first.begin(), first.end(), true);
  CAF_CHECK(failures > 8 && failures < 56);
}

CAF_TEST(latency is configured per kind of step) {
  options.firmware_latency = 30s;
  options.apps_latency = 2s;
  options.settings_latency = 250ms;
  auto drv = driver();
  CAF_CHECK(drv->latency(firmware("3.2.1")) == 30s);
  CAF_CHECK(drv->latency(apps({"backup-agent"})) == 2s);
  CAF_CHECK(drv->latency(apps({}, step_kind::apps_remove)) == 2s);
  CAF_CHECK(drv->latency(values({})) == 250ms);
  CAF_CHECK(drv->latency(values({}, step_kind::settings_revert)) == 250ms);
}

CAF_TEST_FIXTURE_SCOPE_END()
