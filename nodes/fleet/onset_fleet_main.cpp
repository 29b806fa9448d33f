// `onset-fleet`: the reference endpoint server of docs/endpoints.md (many
// virtual printers and the catalog's smart services, persisted in its own
// LMDB), and `onset-fleet audit`, the check of its effect log. Wiring only.
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>

#include "config/catalog_loader.hpp"
#include "config/default_catalog.hpp"
#include "messages/device_json.hpp"
#include "messages/log.hpp"
#include "nodes/fleet/fleet_audit.hpp"
#include "nodes/fleet/fleet_core.hpp"
#include "nodes/fleet/fleet_server.hpp"
#include "nodes/logging.hpp"
#include "nodes/version.hpp"

namespace {

using namespace onset;

struct program_options {
  std::string data_dir = "fleet-data";
  std::string catalog_file = config::default_catalog_file();
  std::string printers_file;
  std::string token_file;
  std::string refuse;
  bool state_only = false;
  int64_t latency_ms = 0;
  std::string log_level = "info";
  std::string log_format = "text";
  fleet::server_options server;
};

struct audit_options {
  std::string data_dir;
  std::string catalog_file = config::default_catalog_file();
  bool json = false;
};

/// Refusals of the configuration end the program with status 2.
int refuse(const std::string& what, const std::string& reason) {
  log::error("fleet.refused", {{"what", what}, {"reason", reason}});
  return 2;
}

std::optional<std::string> read_text(const std::string& file,
                                     std::string& out) {
  std::ifstream in{file, std::ios::binary};
  if (!in)
    return file + ": cannot be read";
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return std::nullopt;
}

/// The token of `file`, refused unless only its owner may access the file.
std::optional<std::string> read_token(const std::string& file,
                                      std::string& token) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0)
    return file + ": cannot be read";
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o",
                  static_cast<unsigned>(st.st_mode & 07777));
    return file + ": token file is accessible by group or others (mode " + mode
           + "); chmod 600 it";
  }
  if (auto problem = read_text(file, token))
    return problem;
  while (!token.empty()
         && std::isspace(static_cast<unsigned char>(token.back())))
    token.pop_back();
  if (token.empty())
    return file + ": the token is empty";
  for (unsigned char c : token)
    if (c <= ' ' || c >= 0x7f)
      return file + ": the token holds a space or a non-printable character";
  return std::nullopt;
}

std::set<device_id> split_devices(const std::string& text) {
  std::set<device_id> result;
  std::istringstream in{text};
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty())
      result.insert(device_id{item});
  return result;
}

/// Waits for SIGTERM or SIGINT (blocked in every thread) and stops the
/// server; the server's own end wakes it with SIGTERM too.
class stop_on_signal {
public:
  explicit stop_on_signal(fleet::fleet_server& server) {
    thread_ = std::thread{[&server] {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGTERM);
      sigaddset(&set, SIGINT);
      int sig = 0;
      sigwait(&set, &sig);
      server.stop();
    }};
  }

  ~stop_on_signal() {
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
  }

private:
  std::thread thread_;
};

int run_server(program_options& o) {
  auto cat = config::load_catalog(o.catalog_file);
  if (!cat)
    return refuse("catalog", cat.error().to_string());
  std::vector<device_record> printers;
  if (!o.printers_file.empty()) {
    std::string text;
    if (auto problem = read_text(o.printers_file, text))
      return refuse("printers", *problem);
    auto parsed = parse_device_records(text);
    if (!parsed)
      return refuse("printers",
                    o.printers_file + ": " + parsed.error().to_string());
    printers = std::move(parsed.value());
  }
  if (auto problem = read_token(o.token_file, o.server.token))
    return refuse("token", *problem);
  o.server.faults.latency = std::chrono::milliseconds{o.latency_ms};
  if (auto problem = fleet::check_server_options(o.server))
    return refuse("options", *problem);
  persistence::environment_options env_opts;
  env_opts.directory = o.data_dir;
  auto env = persistence::environment::open(env_opts);
  if (!env)
    return refuse("data_dir", o.data_dir + ": " + to_string(env.error()));
  fleet::core_options core_opts;
  core_opts.idempotent = !o.state_only;
  core_opts.refused = split_devices(o.refuse);
  fleet::endpoint_core core{**env, std::move(cat.value()), core_opts};
  auto added = core.register_printers(printers);
  if (!added)
    return refuse("data_dir", o.data_dir + ": " + to_string(added.error()));
  fleet::fleet_server server{core, o.server};
  auto bound = server.bind();
  if (auto problem = std::get_if<std::string>(&bound))
    return refuse("listen", *problem);
  log::info("fleet.listening", {{"host", o.server.host},
                                {"port", std::get<uint16_t>(bound)},
                                {"tls", !o.server.tls_cert.empty()},
                                {"client_certs", !o.server.client_ca.empty()},
                                {"idempotent", core_opts.idempotent},
                                {"printers_added", *added},
                                {"data_dir", o.data_dir}});
  {
    stop_on_signal stopper{server};
    server.run();
  }
  auto t = server.totals();
  log::info("fleet.stopped", {{"applies", t.applies},
                              {"instructions", t.instructions},
                              {"reads", t.reads},
                              {"read_targets", t.targets}});
  return 0;
}

int run_audit(const audit_options& o) {
  struct stat st {};
  std::string data_file = o.data_dir + "/data.mdb";
  if (::stat(data_file.c_str(), &st) != 0) {
    std::fprintf(stderr, "onset-fleet audit: %s holds no onset-fleet data\n",
                 o.data_dir.c_str());
    return 2;
  }
  auto cat = config::load_catalog(o.catalog_file);
  if (!cat) {
    std::fprintf(stderr, "onset-fleet audit: %s\n",
                 cat.error().to_string().c_str());
    return 2;
  }
  persistence::environment_options env_opts;
  env_opts.directory = o.data_dir;
  auto env = persistence::environment::open(env_opts);
  if (!env) {
    std::fprintf(stderr, "onset-fleet audit: %s: %s\n", o.data_dir.c_str(),
                 to_string(env.error()).c_str());
    return 2;
  }
  auto report = fleet::audit(**env, cat.value());
  if (!report) {
    std::fprintf(stderr, "onset-fleet audit: %s: %s\n", o.data_dir.c_str(),
                 to_string(report.error()).c_str());
    return 2;
  }
  auto text = o.json ? fleet::to_json(*report) : fleet::to_text(*report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return report->clean() ? 0 : 1;
}

void add_server_options(CLI::App& app, program_options& o) {
  app.add_option("--data-dir", o.data_dir, "Its LMDB data directory")
    ->capture_default_str();
  app.add_option("--catalog", o.catalog_file, "Service catalog")
    ->capture_default_str();
  app.add_option("--printers", o.printers_file,
                 "Device records (as `onset devices add` reads) of the "
                 "printers it manages; added at start, kept if there");
  app.add_option("--token-file", o.token_file,
                 "File holding the bearer token (mode 600)");
  app
    .add_option("--listen", o.server.host,
                "Address to listen on; not loopback only with TLS")
    ->capture_default_str();
  app.add_option("--port", o.server.port, "Port; 0 picks a free one")
    ->capture_default_str();
  app.add_option("--tls-cert", o.server.tls_cert, "Serve HTTPS: certificate");
  app.add_option("--tls-key", o.server.tls_key, "Serve HTTPS: private key");
  app.add_option("--client-ca", o.server.client_ca,
                 "HTTPS: require a client certificate signed by these CA "
                 "certificates (PEM)");
  app
    .add_option("--max-body", o.server.max_body,
                "Largest request body, in bytes (larger: 413)")
    ->capture_default_str();
  app.add_option("--threads", o.server.threads, "Connections served at once")
    ->capture_default_str();
  app.add_flag("--state-only", o.state_only,
               "Keep no idempotency records (a state-only endpoint)");
  app
    .add_option("--latency", o.latency_ms,
                "Fault: milliseconds added to every request")
    ->check(CLI::NonNegativeNumber);
  app
    .add_option("--fail", o.server.faults.fail,
                "Fault: share of applies and reads answered 503")
    ->check(CLI::Range(0.0, 1.0));
  app
    .add_option("--lose-reply", o.server.faults.lose_reply,
                "Fault: share of applies committed and not answered")
    ->check(CLI::Range(0.0, 1.0));
  app.add_option("--refuse", o.refuse,
                 "Fault: printers every instruction about is refused "
                 "(DEVICE,...)");
  app.add_option("--seed", o.server.faults.seed, "Seeds the fault draws")
    ->capture_default_str();
  app.add_option("--log-level", o.log_level, "trace|debug|info|warn|error")
    ->capture_default_str();
  app.add_option("--log-format", o.log_format, "text|json")
    ->capture_default_str();
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"onset-fleet: the reference endpoint server of Onset's "
               "endpoint protocol v1 (docs/endpoints.md)"};
  app.set_version_flag("--version", nodes::version_line("onset-fleet"));
  program_options server;
  add_server_options(app, server);
  audit_options audit;
  auto* audit_cmd = app.add_subcommand(
    "audit", "Report, from the effect log of a data directory, per stream "
             "the effects performed, duplicated, conflicts, gaps and order "
             "violations, and the final state of every target (exit 1 on a "
             "duplicate, gap or order violation)");
  audit_cmd->add_option("--data-dir", audit.data_dir, "Its data directory")
    ->required();
  audit_cmd->add_option("--catalog", audit.catalog_file, "Service catalog")
    ->capture_default_str();
  audit_cmd->add_flag("--json", audit.json, "Print JSON");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (*audit_cmd) {
    onset::nodes::setup_logging("warn", "text");
    return run_audit(audit);
  }
  if (auto problem = onset::nodes::setup_logging(server.log_level,
                                                 server.log_format)) {
    std::fprintf(stderr, "onset-fleet: %s\n", problem->c_str());
    return 2;
  }
  if (server.token_file.empty())
    return refuse("token", "--token-file is required");
  // Every thread started from here on inherits the mask: only the waiter
  // of stop_on_signal takes SIGTERM and SIGINT; a peer that went away is
  // an error on its socket, not a signal.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return run_server(server);
}
