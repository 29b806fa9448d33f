#define CAF_SUITE service_actor
#include "tests/actors/endpoint_fixture.hpp"
#include "tests/actors/receiver_fixture.hpp"
#include "tests/support/log_capture.hpp"

using namespace onset;
using namespace onset::actors;
using namespace onset::test;

namespace {

struct fixture : receiver_fixture {
  stream_id s1 = service_stream("C-1", "data_backup");

  instruction prepare(uint64_t seq, settings xs,
                      const std::string& dev = "MFP-1") {
    auto x = step(s1, seq, step_kind::service_prepare, dev);
    x.values = std::move(xs);
    return x;
  }

  instruction activate(uint64_t seq, const std::string& dev = "MFP-1") {
    return step(s1, seq, step_kind::service_activate, dev);
  }

  instruction deactivate(uint64_t seq, const std::string& dev = "MFP-1") {
    return step(s1, seq, step_kind::service_deactivate, dev);
  }

  caf::expected<instruction_ack> apply(instruction x) {
    return ask<instruction_ack>(services, atom::apply_v, std::move(x));
  }

  service_view view(const std::string& dev = "MFP-1",
                    const std::string& svc = "data_backup") {
    auto result = ask<service_view>(services, atom::get_v, service_id{svc},
                                    device_id{dev});
    CAF_REQUIRE(result);
    return std::move(*result);
  }

  instruction_ack ack(uint64_t seq) {
    return instruction_ack{s1, seq};
  }

  settings backup_values(const char* period) {
    return cat->find(service_id{"data_backup"})
      ->merged_server_settings(
        {{"backup_period", setting_value::of_word(period)}});
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(service_actor_tests, fixture)

CAF_TEST(prepare activate and deactivate move the watermark) {
  CAF_CHECK_EQUAL(apply(prepare(1, backup_values("daily"))), ack(1));
  auto v = view();
  CAF_CHECK(v.state.registered);
  CAF_CHECK(!v.state.active);
  CAF_CHECK(v.state.values == backup_values("daily"));
  CAF_CHECK(v.applied == std::vector<stream_watermark>{{s1, 1}});
  CAF_CHECK_EQUAL(apply(activate(2)), ack(2));
  CAF_CHECK(view().state.active);
  CAF_CHECK_EQUAL(apply(deactivate(3)), ack(3));
  v = view();
  CAF_CHECK_EQUAL(v.state, service_device_state{});
  CAF_CHECK(v.applied == std::vector<stream_watermark>{{s1, 3}});
  for (uint64_t seq = 1; seq <= 3; ++seq)
    CAF_CHECK_EQUAL(effects(s1, seq), 1u);
}

CAF_TEST(a renewal prepare re - applies changed values) {
  CAF_CHECK_EQUAL(apply(prepare(1, backup_values("daily"))), ack(1));
  CAF_CHECK_EQUAL(apply(activate(2)), ack(2));
  CAF_CHECK_EQUAL(apply(prepare(3, backup_values("monthly"))), ack(3));
  auto v = view();
  CAF_CHECK(v.state.values == backup_values("monthly"));
  CAF_CHECK(v.state.active);
}

CAF_TEST(a duplicate is re - acked without a second effect) {
  CAF_CHECK_EQUAL(apply(prepare(1, backup_values("daily"))), ack(1));
  CAF_CHECK_EQUAL(apply(prepare(1, backup_values("daily"))), ack(1));
  CAF_CHECK_EQUAL(effects(s1, 1), 1u);
  CAF_CHECK_EQUAL(apply(activate(3)), ack(1));
  CAF_CHECK(!view().state.active);
}

CAF_TEST(a re - acked duplicate is logged as step.duplicate) {
  CAF_CHECK_EQUAL(apply(prepare(1, backup_values("daily"))), ack(1));
  captured_log log;
  CAF_CHECK_EQUAL(apply(prepare(1, backup_values("daily"))), ack(1));
  CAF_CHECK(log.contains("info step.duplicate service=data_backup stream="
                         + s1.to_string() + " seq=1 applied=1\n"));
}

CAF_TEST(printers of one service are kept apart) {
  CAF_CHECK_EQUAL(apply(prepare(1, backup_values("daily"), "MFP-1")), ack(1));
  CAF_CHECK_EQUAL(apply(prepare(2, backup_values("weekly"), "MFP-2")), ack(2));
  CAF_CHECK_EQUAL(apply(activate(3, "MFP-2")), ack(3));
  CAF_CHECK(!view("MFP-1").state.active);
  CAF_CHECK(view("MFP-2").state.active);
  CAF_CHECK(view("MFP-1").state.values == backup_values("daily"));
}

CAF_TEST(activate before prepare is refused) {
  auto refused = apply(activate(1));
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::refused));
  CAF_CHECK_EQUAL(error_reason(refused.error()),
                  "printer MFP-1 is not prepared at service data_backup");
  CAF_CHECK_EQUAL(watermark(s1), 0u);
}

CAF_TEST(values the service does not know are refused) {
  auto refused = apply(prepare(1, {{"toner", setting_value::of_flag(true)}}));
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::refused));
  CAF_CHECK_EQUAL(error_reason(refused.error()),
                  "service data_backup has no setting toner");
  auto bad = backup_values("daily");
  bad["backup_period"] = setting_value::of_word("hourly");
  refused = apply(prepare(1, bad));
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::refused));
  CAF_CHECK_EQUAL(watermark(s1), 0u);
}

CAF_TEST(a printer step sent to a service is refused) {
  auto refused = apply(step(s1, 1, step_kind::firmware, "MFP-1"));
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::refused));
  CAF_CHECK_EQUAL(error_reason(refused.error()),
                  "not a service step: firmware");
}

CAF_TEST(an unknown service is refused) {
  auto x = step(service_stream("C-1", "coffee"), 1, step_kind::service_prepare,
                "MFP-1");
  auto refused = apply(x);
  CAF_REQUIRE(!refused);
  CAF_CHECK(is(refused.error(), error_code::unknown_service));
  auto no_view = ask<service_view>(services, atom::get_v, service_id{"coffee"},
                                   device_id{"MFP-1"});
  CAF_REQUIRE(!no_view);
  CAF_CHECK(is(no_view.error(), error_code::unknown_service));
}

CAF_TEST(state and watermarks survive a crash of the SERVICE actor) {
  CAF_CHECK_EQUAL(apply(prepare(1, backup_values("daily"))), ack(1));
  using impl = actors::service_supervisor_actor::stateful_base<
    actors::service_supervisor_state>;
  auto worker = deref<impl>(services).state.workers.find(
    actors::lane_of(s1, options.service_lanes));
  CAF_REQUIRE(worker != nullptr);
  caf::anon_send_exit(*worker, caf::exit_reason::kill);
  run();
  CAF_CHECK(view().state.registered);
  CAF_CHECK_EQUAL(apply(prepare(1, backup_values("daily"))), ack(1));
  CAF_CHECK_EQUAL(apply(activate(2)), ack(2));
  CAF_CHECK_EQUAL(effects(s1, 1), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()

// -- delivering to a service's endpoint over HTTP ----------------------------

namespace {

struct http_fixture : endpoint_fixture {
  fake_endpoint server;
  stream_id s1 = service_stream("C-1", "data_backup", "MFP-1");
  actors::service_supervisor_actor services;

  ~http_fixture() {
    services = nullptr;
    stop_actors();
  }

  http_fixture() {
    services = spawn_services(
      options_for(spec_of(server), spec_of(server, true, "services.*")));
  }

  caf::expected<instruction_ack> apply(instruction x) {
    return ask<instruction_ack>(services, atom::apply_v, std::move(x));
  }

  service_device_state mirror() {
    auto v = ask<service_view>(services, atom::get_v, service_id{"data_backup"},
                               device_id{"MFP-1"});
    CAF_REQUIRE(v);
    return v->state;
  }

  static endpoint::target_ref at_service() {
    return {target::service(service_id{"data_backup"}), device_id{"MFP-1"}};
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(service_endpoint_tests, http_fixture)

CAF_TEST(a SERVICE delivers to its endpoint and mirrors its state) {
  settings values{{"backup_period", setting_value::of_word("daily")}};
  auto prepare = step(s1, 1, step_kind::service_prepare, "MFP-1");
  prepare.values = values;
  CAF_CHECK_EQUAL(apply(prepare), (instruction_ack{s1, 1}));
  CAF_CHECK_EQUAL(apply(step(s1, 2, step_kind::service_activate, "MFP-1")),
                  (instruction_ack{s1, 2}));
  CAF_CHECK(server.state(at_service()).active);
  auto m = mirror();
  CAF_CHECK(m.registered);
  CAF_CHECK(m.active);
  CAF_CHECK(m.values == values);
  CAF_CHECK_EQUAL(server.performed(s1, 2), 1);
  CAF_CHECK_EQUAL(watermark(s1), 2u);
}

CAF_TEST(a SERVICE step the endpoint refuses is refused) {
  fake_endpoint::script refuse;
  refuse.refuse = "printer not registered";
  server.set_script(refuse);
  auto x = apply(step(s1, 1, step_kind::service_activate, "MFP-1"));
  CAF_REQUIRE(!x);
  CAF_CHECK(is(x.error(), error_code::refused));
  CAF_CHECK_EQUAL(error_reason(x.error()), "printer not registered");
  CAF_CHECK_EQUAL(watermark(s1), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
