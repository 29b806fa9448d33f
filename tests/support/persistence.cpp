#include "tests/support/persistence.hpp"

#include <spdlog/spdlog.h>

#include "persistence/keys.hpp"

namespace onset::test {

namespace {

// The stores log every open; the tests' own output matters more.
const bool quiet_logs = [] {
  spdlog::set_level(spdlog::level::warn);
  return true;
}();

} // namespace

persistence::environment_options options_in(const std::string& dir) {
  persistence::environment_options opts;
  opts.directory = dir;
  opts.map_size = size_t{8} << 20;
  opts.map_growth = size_t{8} << 20;
  opts.reader_check_interval = std::chrono::seconds{0};
  return opts;
}

std::unique_ptr<persistence::environment>
open_env(const persistence::environment_options& opts) {
  auto env = persistence::environment::open(opts);
  if (!env)
    CAF_FAIL("cannot open " << opts.directory << ": " << text(env.error()));
  return std::move(*env);
}

std::string text(const persistence::failure& x) {
  return persistence::to_string(x);
}

bool fails_with(const persistence::status& x, error_code code,
                const std::string& needle) {
  if (x) {
    CAF_MESSAGE("expected " << to_string(code) << ", got ok");
    return false;
  }
  if (x.error().code != code
      || x.error().context.find(needle) == std::string::npos) {
    CAF_MESSAGE("expected " << to_string(code) << " with '" << needle
                            << "', got " << text(x.error()));
    return false;
  }
  return true;
}

contract_record sample_contract(const std::string& id, uint64_t version) {
  contract_record x;
  x.doc.id = contract_id{id};
  x.doc.version = version;
  x.doc.customer = customer_id{"ACME"};
  x.doc.start = utc_time{1'767'225'600};
  x.doc.end = utc_time{1'798'761'600};
  x.doc.devices = {device_id{"MFP-1"}, device_id{"MFP-2"}};
  x.doc.services[service_id{"data_backup"}]["backup_format"]
    = setting_value::of_word("differential");
  x.doc.services[service_id{"data_backup"}]["weekdays"]
    = setting_value::of_words({"sun", "mon"});
  x.doc.event_id = "evt-" + id;
  x.state = contract_state::provisioning;
  x.reason = "";
  x.started = true;
  x.ending = false;
  auto& dev = x.ledger.devices[device_id{"MFP-1"}];
  dev.firmware = *firmware_version::parse("3.10.2");
  dev.apps = {"backup-agent"};
  dev.owned_apps = {"backup-agent"};
  dev.values["backup_enabled"] = setting_value::of_flag(true);
  auto& svc = x.ledger.services[service_id{"data_backup"}][device_id{"MFP-1"}];
  svc.values["period_days"] = setting_value::of_number(7);
  svc.prepared = true;
  svc.active = false;
  return x;
}

instruction sample_instruction(const stream_id& stream, uint64_t seq) {
  instruction x;
  x.stream = stream;
  x.seq = seq;
  x.kind = step_kind::settings_apply;
  x.device = device_id{stream.to.kind == target_kind::device ? stream.to.name
                                                             : "MFP-1"};
  x.contract_version = 2;
  x.firmware = *firmware_version::parse("3.2");
  x.apps = {"cloud-connector"};
  x.values["scan_to_cloud"] = setting_value::of_flag(true);
  x.values["threshold"] = setting_value::of_number(static_cast<int64_t>(seq));
  return x;
}

device_state sample_device(const std::string& id) {
  device_state x;
  x.registration.id = device_id{id};
  x.registration.customer = customer_id{"ACME"};
  x.registration.model = "imageRUNNER C3226";
  x.registration.firmware = *firmware_version::parse("3.1");
  x.registration.apps = {"scan"};
  x.firmware = *firmware_version::parse("3.10.0");
  x.apps = {"backup-agent", "scan"};
  x.values["toner_report"] = setting_value::of_flag(true);
  x.online = false;
  return x;
}

void set_format(persistence::write_txn& txn, uint32_t version) {
  std::string value;
  persistence::keys::put_be32(value, version);
  ONSET_OK(txn.put(persistence::db::meta, "format", value));
}

uint32_t stored_format(persistence::transaction& txn) {
  auto value = ONSET_VALUE(txn.get(persistence::db::meta, "format"));
  if (!value)
    return 0;
  auto bytes = *value;
  auto version = persistence::keys::get_be32(bytes);
  return version ? *version : 0;
}

} // namespace onset::test
