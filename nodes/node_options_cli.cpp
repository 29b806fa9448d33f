#include "nodes/node_options_cli.hpp"

#include <cctype>
#include <cstdlib>
#include <map>
#include <vector>

namespace onset::nodes {

namespace {

/// A duration option in milliseconds, bound to a std::chrono duration.
template <class Duration>
void add_ms_option(CLI::App& app, const std::string& name, Duration& target,
                   const std::string& description) {
  auto* opt = app.add_option_function<int64_t>(
    name,
    [&target](int64_t ms) {
      target
        = std::chrono::duration_cast<Duration>(std::chrono::milliseconds{ms});
    },
    description + " (milliseconds)");
  opt->default_str(std::to_string(
    std::chrono::duration_cast<std::chrono::milliseconds>(target).count()));
  opt->check(CLI::NonNegativeNumber);
}

/// Refuses the test-only `option` unless the test switch is on.
void require_test_switch(const std::string& option) {
  const char* enabled = std::getenv(test_faults_switch);
  if (enabled == nullptr || std::string{enabled} != "1")
    throw CLI::ValidationError(option, std::string{"test-only: refused unless "}
                                         + test_faults_switch + "=1 is set");
}

/// Whether `option` was given through its environment variable (CLI11 reads
/// a variable that is set and not empty).
bool set_in_environment(const CLI::Option& option) {
  auto name = option.get_envname();
  if (name.empty())
    return false;
  const char* value = std::getenv(name.c_str());
  return value != nullptr && *value != '\0';
}

/// CLI11's TOML reader, checking every key against the options of `app`
/// and dropping the keys whose option is set in the environment: CLI11
/// reads the file before the environment and keeps the first value it
/// finds, which would rank the file above the environment.
class environment_first_toml : public CLI::ConfigTOML {
public:
  explicit environment_first_toml(const CLI::App& app) : app_(app) {
  }

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    auto items = CLI::ConfigTOML::from_config(input);
    std::vector<CLI::ConfigItem> kept;
    for (auto& item : items)
      if (!set_in_environment(known_option(item)))
        kept.push_back(std::move(item));
    return kept;
  }

private:
  const CLI::Option& known_option(const CLI::ConfigItem& item) const {
    if (!item.parents.empty())
      throw CLI::ConfigError("unknown section '[" + item.parents.front()
                             + "]' (the keys are onset-node's options, "
                               "without sections)");
    auto* option = app_.get_option_no_throw("--" + item.name);
    if (option == nullptr)
      throw CLI::ConfigError("unknown key '" + item.name
                             + "' (not an option of onset-node --help)");
    return *option;
  }

  const CLI::App& app_;
};

} // namespace

std::string environment_variable(const std::string& option) {
  auto name = option.substr(option.find_first_not_of('-'));
  if (name == "node")
    return "ONSET_NODE_NAME";
  std::string variable = "ONSET_";
  for (char c : name)
    variable += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return variable;
}

CLI::Option* add_config_sources(CLI::App& app) {
  for (auto* own : {app.get_help_ptr(), app.get_version_ptr()})
    if (own != nullptr)
      own->configurable(false);
  for (auto* option : app.get_options()) {
    if (option->get_lnames().empty() || !option->get_configurable())
      continue;
    option->envname(environment_variable(option->get_lnames().front()));
  }
  auto* config = app.set_config("--config", "",
                                "TOML file of options (docs/operations.md, "
                                "\"Configuration\"); a flag beats $ONSET_*, "
                                "which beats the file");
  app.config_formatter(std::make_shared<environment_first_toml>(app));
  app.allow_config_extras(CLI::config_extras_mode::error);
  return config;
}

void add_node_options(CLI::App& app, node_options& x) {
  app.add_option("--data-dir", x.data_dir, "Data directory (LMDB)")
    ->capture_default_str();
  app
    .add_option("--http-host", x.api.host,
                "Address the HTTP API listens on (docs/api.md); beyond "
                "loopback only with --tls-cert and --tls-key")
    ->capture_default_str();
  app
    .add_option("--http-port", x.api.port,
                "HTTP API port; 0 picks a free one (written to "
                "DATA_DIR/http.port). A cluster node serves the API only "
                "when this is given; a node without the gateway role serves "
                "only /healthz and /readyz")
    ->capture_default_str();
  app.add_option("--tls-cert", x.api.tls_cert,
                 "HTTPS for the API: certificate (PEM)");
  app.add_option("--tls-key", x.api.tls_key,
                 "HTTPS for the API: private key (PEM)");
  app.add_flag("--insecure-http", x.api.insecure_http,
               "Serve plain HTTP beyond loopback (tokens travel in the clear)");
  app.add_option("--endpoints", x.endpoints_file,
                 "Endpoints file (docs/endpoints.md): deliver to external "
                 "printer-management and smart-service endpoints instead of "
                 "the embedded simulator");
  app
    .add_option("--catalog", x.catalog_file,
                "Service catalog file; without it $ONSET_CATALOG, then "
                "/etc/onset/catalog.json")
    ->capture_default_str();
  app
    .add_option("--log-level", x.log_level,
                "trace|debug|info|warn|error|critical|off")
    ->capture_default_str();
  app.add_option("--log-format", x.log_format, "text|json")
    ->capture_default_str();
  app
    .add_option("--threads", x.threads,
                "Actor scheduler threads (0: one per core)")
    ->capture_default_str();
  app
    .add_option("--scheduler", x.scheduler,
                "Actor scheduler policy: sharing (one queue) | stealing (a "
                "queue per thread)")
    ->check(CLI::IsMember({"stealing", "sharing"}))
    ->capture_default_str();
  static const std::map<std::string, persistence::sync_mode> sync_modes{
    {"durable", persistence::sync_mode::durable},
    {"no_meta_sync", persistence::sync_mode::no_meta_sync},
    {"no_sync", persistence::sync_mode::no_sync}};
  app
    .add_option_function<std::string>(
      "--sync",
      [&x](const std::string& mode) { x.storage.sync = sync_modes.at(mode); },
      "durable: two fsyncs per commit, survives power loss | no_meta_sync | "
      "no_sync (see docs/persistence.md)")
    ->check(CLI::IsMember({"durable", "no_meta_sync", "no_sync"}))
    ->default_str("durable");
  app.add_option("--map-size-mb", x.storage.map_size, "Initial LMDB map size")
    ->transform(
      [](std::string s) { return std::to_string(std::stoull(s) << 20); });
  add_ms_option(app, "--request-timeout", x.engine.request_timeout,
                "How long a contract waits for a target's reply");
  add_ms_option(app, "--step-deadline", x.engine.step_deadline,
                "A step unacknowledged this long degrades its contract");
  add_ms_option(app, "--resend-cap", x.engine.resend_cap,
                "Longest resend backoff");
  app
    .add_option("--max-devices-in-flight", x.engine.max_devices_in_flight,
                "Printers of one contract provisioned at the same time")
    ->capture_default_str();
  app
    .add_option("--service-lanes", x.receivers.service_lanes,
                "SERVICE actors per catalog service; a service's streams "
                "are spread over them by contract")
    ->check(CLI::Range(size_t{1}, size_t{1} << 20))
    ->capture_default_str();
  app
    .add_option("--max-steps-in-flight", x.engine.max_steps_in_flight,
                "Steps of all contracts of this node sent and not yet "
                "answered; more wait before they are sent (0: no limit)")
    ->capture_default_str();
  app
    .add_option_function<int64_t>(
      "--event-retention-days",
      [&x](int64_t days) {
        x.engine.event_retention = std::chrono::hours{24 * days};
      },
      "Contracts nodes: remove contract events older than this many days "
      "from the feed, hourly (0: keep them forever; docs/events.md)")
    ->check(CLI::Range(int64_t{0}, int64_t{100000}))
    ->default_str(std::to_string(
      std::chrono::duration_cast<std::chrono::hours>(x.engine.event_retention)
        .count()
      / 24));
  add_ms_option(app, "--firmware-latency", x.printer.firmware_latency,
                "Simulated printers: time to install firmware");
  add_ms_option(app, "--apps-latency", x.printer.apps_latency,
                "Simulated printers: time to install applications");
  add_ms_option(app, "--settings-latency", x.printer.settings_latency,
                "Simulated printers: time to write settings");
  app
    .add_option("--failure-rate", x.printer.failure_rate,
                "Simulated printers: fraction of steps failing transiently")
    ->check(CLI::Range(0.0, 1.0))
    ->capture_default_str();
  app
    .add_option("--failure-seed", x.printer.seed,
                "Simulated printers: seed of the failure injection")
    ->capture_default_str();
  add_ms_option(app, "--webhook-first-backoff", x.webhooks.first_backoff,
                "Webhooks: the wait after a failed POST, doubled after each "
                "further one");
  add_ms_option(app, "--webhook-max-backoff", x.webhooks.max_backoff,
                "Webhooks: the longest wait between two POSTs of an event");
  add_ms_option(app, "--webhook-failing-after", x.webhooks.failing_after,
                "Webhooks: a subscription failing this long without a 2xx "
                "is marked failing");
  add_ms_option(app, "--webhook-timeout", x.webhooks.post.read_timeout,
                "Webhooks: how long a subscriber may take to answer a POST");
  app.add_option_function<std::string>(
    "--test-faults",
    [&x](const std::string& spec) {
      require_test_switch("--test-faults");
      auto parsed = actors::parse_fault_spec(spec);
      if (!parsed)
        throw CLI::ValidationError("--test-faults", parsed.error().to_string());
      x.test_faults = parsed.value();
    },
    "TEST ONLY (needs " + std::string{test_faults_switch}
      + "=1): drop, duplicate, delay, refuse instructions, drop acks, e.g. "
        "drop=0.05,duplicate=0.05,delay=0.05,refuse=0.01,seed=7 "
        "(docs/chaos.md)");
  app.add_option_function<uint32_t>(
    "--test-wire-version",
    [&x](uint32_t version) {
      require_test_switch("--test-wire-version");
      x.wire_version = version;
    },
    "TEST ONLY (needs " + std::string{test_faults_switch}
      + "=1): the wire version this node says it speaks, so that its peers "
        "refuse it (docs/cluster.md, \"Versions\")");
  app.add_option_function<std::string>(
    "--test-store-fault",
    [&x](const std::string& spec) {
      require_test_switch("--test-store-fault");
      auto parsed = persistence::parse_storage_fault(spec);
      if (!parsed)
        throw CLI::ValidationError("--test-store-fault",
                                   parsed.error().context);
      x.storage.test_fault = *parsed;
    },
    "TEST ONLY (needs " + std::string{test_faults_switch}
      + "=1): the LMDB commit after N good ones fails, e.g. panic_after:3 "
        "(docs/persistence.md)");
}

} // namespace onset::nodes
