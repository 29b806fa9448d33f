#include "bench/local_cluster.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>

#include "bench/program_path.hpp"

namespace onset::bench {

namespace {

using clock_type = std::chrono::steady_clock;

std::string node_binary() {
  return program_path("ONSET_NODE", "onset-node", ONSET_NODE_BINARY);
}

/// $ONSET_CLUSTER_CERTS if set, else this source tree's
/// scripts/cluster-certs.sh.
std::string certs_script() {
  auto* chosen = std::getenv("ONSET_CLUSTER_CERTS");
  return chosen != nullptr && *chosen != '\0' ? chosen : ONSET_CLUSTER_CERTS;
}

/// Whether something accepts connections on loopback port `port`.
bool listening(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool result = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr))
                == 0;
  ::close(fd);
  return result;
}

/// The status and body of `GET path` (HTTP/1.0) on loopback `port`; status
/// 0 if it does not answer within 2 s. The nodes of a local cluster serve
/// plain HTTP on loopback.
std::pair<int, std::string> http_get(uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return {0, ""};
  timeval limit{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  auto request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0
      && ::send(fd, request.data(), request.size(), MSG_NOSIGNAL)
           == static_cast<ssize_t>(request.size())) {
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof(buf), 0)) > 0;)
      answer.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  // "HTTP/1.1 200 OK\r\n...\r\n\r\nBODY"
  int status = 0;
  std::istringstream{answer.substr(answer.find(' ') + 1)} >> status;
  auto body = answer.find("\r\n\r\n");
  return {status, body == std::string::npos ? "" : answer.substr(body + 4)};
}

/// The port a node wrote to DIR/http.port, 0 while there is none.
uint16_t http_port_in(const std::string& dir) {
  unsigned port = 0;
  std::ifstream{dir + "/http.port"} >> port;
  return static_cast<uint16_t>(port);
}

std::string utc_now() {
  char buf[32];
  auto now = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&now, &tm);
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// The last lines of `path`, for an error message.
std::string tail_of(const std::string& path, size_t lines) {
  std::ifstream in{path};
  std::vector<std::string> last;
  for (std::string line; std::getline(in, line);) {
    last.push_back(line);
    if (last.size() > lines)
      last.erase(last.begin());
  }
  std::string result;
  for (auto& x : last)
    result += "\n  " + x;
  return result;
}

} // namespace

namespace {

/// $ONSET_PORT_RANGE (`LOW-HIGH`), if set and well formed.
std::optional<std::pair<int, int>> port_range_from_env() {
  auto* text = std::getenv("ONSET_PORT_RANGE");
  int low = 0;
  int high = 0;
  char dash = 0;
  if (text == nullptr || !(std::istringstream{text} >> low >> dash >> high)
      || dash != '-' || low < 1024 || high > 65535 || high - low < 100)
    return std::nullopt;
  return std::pair<int, int>{low, high};
}

} // namespace

uint16_t free_ports(int n) {
  int low = 20000;
  int ephemeral_low = 32768;
  int ephemeral_high = 60999;
  std::ifstream{"/proc/sys/net/ipv4/ip_local_port_range"} >> ephemeral_low
    >> ephemeral_high;
  int high = ephemeral_low - 1;
  if (high - low + 1 < n + 100) {
    low = ephemeral_high + 1;
    high = 65535;
  }
  if (auto range = port_range_from_env()) {
    low = range->first;
    high = range->second;
  }
  int slots = (high - low + 1 - n) / 10 + 1;
  if (slots <= 0)
    throw std::runtime_error("no room for " + std::to_string(n)
                             + " ports outside the ephemeral range");
  int slot = static_cast<int>(::getpid()) % slots;
  for (int tries = 0; tries < 50; ++tries, slot = (slot + 1) % slots) {
    auto base = low + slot * 10;
    bool free = true;
    for (int p = base; p < base + n && free; ++p)
      free = !listening(static_cast<uint16_t>(p));
    if (free)
      return static_cast<uint16_t>(base);
  }
  throw std::runtime_error("no " + std::to_string(n) + " free ports found");
}

bool reaped(int pid) {
  int status = 0;
  auto r = ::waitpid(pid, &status, WNOHANG);
  return r == pid || (r < 0 && errno == ECHILD);
}

int start_logged(const std::vector<std::string>& argv, const std::string& log) {
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::runtime_error("cannot write " + log);
  // Everything the child needs is prepared here: between fork and exec a
  // multi-threaded parent's child may call only async-signal-safe functions.
  std::vector<char*> args;
  for (auto& x : argv)
    args.push_back(const_cast<char*>(x.c_str()));
  args.push_back(nullptr);
  auto pid = ::fork();
  if (pid == 0) {
    // A child outlives no harness that dies without stopping it (Ctrl-C, a
    // test timeout).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    for (int i = 3; i < 1024; ++i)
      ::close(i);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fd);
  if (pid < 0)
    throw std::runtime_error("cannot start " + argv.front());
  return pid;
}

void stop_process(int pid, clock_type::time_point deadline) {
  ::kill(pid, SIGCONT);
  ::kill(pid, SIGTERM);
  while (!reaped(pid) && clock_type::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  if (!reaped(pid)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
}

std::vector<node_spec> five_nodes() {
  return {{"gw", {"gateway"}},
          {"c1", {"contracts"}},
          {"c2", {"contracts"}},
          {"d1", {"devices", "services"}},
          {"d2", {"devices"}}};
}

std::vector<node_spec> two_nodes() {
  return {{"gw", {"gateway", "contracts"}}, {"d1", {"devices", "services"}}};
}

local_cluster::local_cluster(std::string dir, std::vector<node_spec> nodes,
                             std::vector<std::string> node_args)
  : local_cluster(std::move(dir), std::move(nodes), [&] {
      cluster_settings x;
      x.node_args = std::move(node_args);
      return x;
    }()) {
}

local_cluster::local_cluster(std::string dir, std::vector<node_spec> nodes,
                             cluster_settings settings)
  : run_dir_(dir + "/run"),
    nodes_(std::move(nodes)),
    settings_(std::move(settings)) {
  ::mkdir(run_dir_.c_str(), 0755);
  auto n = static_cast<int>(nodes_.size());
  int base = free_ports(n + 1);
  gateway_ = cli::endpoint{"127.0.0.1", static_cast<uint16_t>(base + n)};
  auto file = dir + "/cluster.json";
  std::ofstream out{file};
  out << "{ \"heartbeat_interval_ms\": " << settings_.heartbeat_interval_ms
      << ", \"heartbeat_timeout_ms\": " << settings_.heartbeat_timeout_ms
      << ",\n  \"nodes\": [\n";
  for (int i = 0; i < n; ++i) {
    auto& x = nodes_[static_cast<size_t>(i)];
    auto& p = processes_[x.name];
    p.ports.push_back(static_cast<uint16_t>(base + i));
    out << "    {\"name\": \"" << x.name
        << "\", \"host\": \"127.0.0.1\", \"port\": " << base + i;
    bool gw = false;
    out << ", \"roles\": [";
    for (size_t r = 0; r < x.roles.size(); ++r) {
      out << (r ? ", " : "") << '"' << x.roles[r] << '"';
      gw = gw || x.roles[r] == "gateway";
    }
    out << "]";
    if (gw) {
      out << ", \"gateway_port\": " << gateway_.port;
      p.ports.push_back(gateway_.port);
    }
    out << "}" << (i + 1 < n ? "," : "") << "\n";
    p.argv = {node_binary(), "--cluster",     file, "--node", x.name,
              "--data-dir",  data_dir(x.name)};
    p.argv.insert(p.argv.end(), settings_.node_args.begin(),
                  settings_.node_args.end());
    if (auto i = settings_.extra_args.find(x.name);
        i != settings_.extra_args.end())
      p.argv.insert(p.argv.end(), i->second.begin(), i->second.end());
    // Every node serves its probes (the gateway node its API too), on a
    // port it writes to DATA_DIR/http.port: the cluster waits on them.
    if (std::find(p.argv.begin(), p.argv.end(), "--http-port") == p.argv.end())
      p.argv.insert(p.argv.end(), {"--http-port", "0"});
  }
  out << "  ], \"tls\": {\"dir\": \"certs\"} }\n";
  out.close();
  make_certs(dir + "/certs");
  // A constructor that throws runs no destructor: stop whatever did start.
  try {
    for (auto& x : nodes_)
      launch(x.name);
    await_connected();
  } catch (...) {
    stop();
    throw;
  }
}

void local_cluster::make_certs(const std::string& certs) const {
  std::vector<std::string> argv{"/bin/bash", certs_script(), certs};
  for (auto& x : nodes_)
    argv.push_back(x.name);
  auto log = run_dir_ + "/certs.log";
  int status = 0;
  ::waitpid(start_logged(argv, log), &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("cannot make the cluster's certificates with "
                             + certs_script() + " (log: " + log + ")"
                             + tail_of(log, 20));
}

local_cluster::~local_cluster() {
  stop();
}

local_cluster::process& local_cluster::at(const std::string& node) {
  auto i = processes_.find(node);
  if (i == processes_.end())
    throw std::runtime_error("no node " + node + " in the cluster");
  return i->second;
}

const local_cluster::process& local_cluster::at(const std::string& node) const {
  auto i = processes_.find(node);
  if (i == processes_.end())
    throw std::runtime_error("no node " + node + " in the cluster");
  return i->second;
}

void local_cluster::launch(const std::string& node) {
  auto& p = at(node);
  ::mkdir(data_dir(node).c_str(), 0755);
  auto log = log_path(node);
  {
    std::ofstream{log, std::ios::app} << "=== local-cluster: start "
                                      << utc_now() << " ===\n";
  }
  // A killed node leaves its port file behind.
  ::unlink((data_dir(node) + "/http.port").c_str());
  auto pid = start_logged(p.argv, log);
  p.pid = pid;
  auto deadline = clock_type::now() + settings_.ready_timeout;
  for (;;) {
    if (reaped(pid)) {
      p.pid = 0;
      throw std::runtime_error("node " + node + " exited at start (log: " + log
                               + ")" + tail_of(log, 20));
    }
    bool up = true;
    for (auto port : p.ports)
      up = up && listening(port);
    auto http = http_port_in(data_dir(node));
    if (up && http != 0 && http_get(http, "/healthz").first == 200)
      return;
    if (clock_type::now() > deadline)
      throw std::runtime_error("node " + node + " not listening after "
                               + std::to_string(settings_.ready_timeout.count())
                               + " s (log: " + log + ")");
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

void local_cluster::await_connected() {
  // Connected when every running node answers /readyz with 200: it reaches
  // every node it needs and its STORE commits.
  auto deadline = clock_type::now() + settings_.ready_timeout;
  for (;;) {
    std::string not_ready;
    for (auto& [name, p] : processes_) {
      if (p.pid == 0)
        continue;
      auto [status, body] = http_get(http_port_in(data_dir(name)), "/readyz");
      if (status != 200)
        not_ready += "\n  " + name + ": " + std::to_string(status) + " " + body;
    }
    if (not_ready.empty())
      return;
    if (clock_type::now() > deadline)
      throw std::runtime_error("the nodes are not ready after "
                               + std::to_string(settings_.ready_timeout.count())
                               + " s (logs: " + run_dir_ + "):" + not_ready);
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
}

void local_cluster::stop() {
  std::vector<process*> stopping;
  for (auto& [name, p] : processes_) {
    if (p.pid == 0)
      continue;
    ::kill(p.pid, SIGCONT);
    ::kill(p.pid, SIGTERM);
    stopping.push_back(&p);
  }
  auto deadline = clock_type::now() + std::chrono::seconds{15};
  for (auto* p : stopping) {
    while (!reaped(p->pid) && clock_type::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    if (!reaped(p->pid)) {
      ::kill(p->pid, SIGKILL);
      ::waitpid(p->pid, nullptr, 0);
    }
    p->pid = 0;
  }
}

void local_cluster::kill(const std::string& node) {
  auto& p = at(node);
  if (p.pid == 0)
    return;
  ::kill(p.pid, SIGKILL);
  ::waitpid(p.pid, nullptr, 0);
  p.pid = 0;
}

void local_cluster::pause(const std::string& node) {
  if (auto pid = at(node).pid)
    ::kill(pid, SIGSTOP);
}

void local_cluster::resume(const std::string& node) {
  if (auto pid = at(node).pid)
    ::kill(pid, SIGCONT);
}

void local_cluster::restart(const std::string& node) {
  if (running(node))
    throw std::runtime_error("node " + node + " still runs");
  launch(node);
}

bool local_cluster::running(const std::string& node) const {
  return at(node).pid != 0;
}

int local_cluster::pid(const std::string& node) const {
  return at(node).pid;
}

std::string local_cluster::metrics_of(const std::string& node) const {
  auto [status, body] = http_get(http_port_in(data_dir(node)), "/metrics");
  if (status != 200)
    throw std::runtime_error("node " + node + ": GET /metrics answered "
                             + std::to_string(status));
  return body;
}

std::string local_cluster::log_path(const std::string& node) const {
  return run_dir_ + "/" + node + ".log";
}

std::string local_cluster::data_dir(const std::string& node) const {
  return run_dir_ + "/" + node;
}

} // namespace onset::bench
