// onset-bench-api: many concurrent clients against a node's HTTP API
// (docs/api.md), measured from outside over real sockets. It registers
// printers of customer `load`, then runs `--clients` client threads at once
// for `--seconds`, each with its own keep-alive connection:
//
// - submitters POST one contract each time (`--array 1`) or arrays of
//   `--array N` documents;
// - readers (`--readers` of the clients) GET one contract each time; their
//   latencies give p50 and p99 of a status read under that load.
//
// Contracts start in 2030, so the figures are those of the API and the
// intake (validation, tenancy, the durable write), not of provisioning.
// Prints one line:
//
//   api_load clients=200 readers=50 array=1 seconds=10 submitted=...
//     submissions_per_s=... reads=... read_p50_ms=... read_p99_ms=...
//     errors=... first_error="..."
//
// and exits 1 if any request failed (a transport error or a status that is
// not 2xx), so that a smoke test proves the listener holds its clients.
#include <CLI/CLI.hpp>
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
  std::string server = "http://127.0.0.1:7080";
  std::string token;
  std::string token_file;
  size_t clients = 200;
  size_t readers = 50;
  size_t array = 1;
  size_t printers = 100;
  double seconds = 10;
  /// Distinguishes the contract ids of runs against one node.
  std::string run = "r1";
};

/// What every client thread adds up; latencies are merged at the end.
struct totals {
  std::atomic<size_t> submitted{0};
  std::atomic<size_t> reads{0};
  std::atomic<size_t> errors{0};
  std::mutex lock;
  std::string first_error;
  std::vector<double> read_ms;

  void fail(std::string what) {
    ++errors;
    std::lock_guard<std::mutex> guard{lock};
    if (first_error.empty())
      first_error = std::move(what);
  }
};

std::string printer_id(size_t i) {
  return "LP-" + std::to_string(i);
}

std::string contract_doc(const options& o, size_t client, size_t n) {
  auto id = "L-" + o.run + "-" + std::to_string(client) + "-"
            + std::to_string(n);
  return R"({"id":")" + id
         + R"(","version":1,"customer":"load","start":"2030-01-01T00:00:00Z",)"
           R"("end":"2031-01-01T00:00:00Z","devices":[")"
         + printer_id((client * 7919 + n) % o.printers)
         + R"("],"services":{"failure_prediction":{}}})";
}

std::unique_ptr<httplib::Client> connect(const options& o) {
  auto client = std::make_unique<httplib::Client>(o.server);
  client->set_bearer_token_auth(o.token.c_str());
  client->set_keep_alive(true);
  client->set_tcp_nodelay(true);
  client->set_connection_timeout(std::chrono::seconds{10});
  client->set_read_timeout(std::chrono::seconds{60});
  client->set_write_timeout(std::chrono::seconds{60});
  return client;
}

/// "POST /v1/contracts: 503 ..." or the transport error's name.
std::string describe(const char* what, const httplib::Result& res) {
  if (!res)
    return std::string{what} + ": " + httplib::to_string(res.error());
  return std::string{what} + ": " + std::to_string(res->status) + " "
         + res->body.substr(0, 200);
}

bool ok(const httplib::Result& res) {
  return res && res->status >= 200 && res->status < 300;
}

bool register_printers(const options& o, totals& t) {
  auto client = connect(o);
  for (size_t from = 0; from < o.printers; from += 1000) {
    std::string body = "[";
    for (size_t i = from; i < std::min(o.printers, from + 1000); ++i)
      body += (i == from ? "" : ",") + std::string{R"({"id":")"} + printer_id(i)
              + R"(","customer":"load","model":"imageRUNNER C3326",)"
                R"("firmware":"3.2.1","apps":[]})";
    body += "]";
    auto res = client->Post("/v1/printers", body, "application/json");
    if (!ok(res)) {
      t.fail(describe("POST /v1/printers", res));
      return false;
    }
  }
  return true;
}

void submitter(const options& o, size_t index, clock_type::time_point until,
               totals& t) {
  auto client = connect(o);
  for (size_t n = 0; clock_type::now() < until; ++n) {
    std::string body;
    if (o.array == 1) {
      body = contract_doc(o, index, n);
    } else {
      body = "[";
      for (size_t k = 0; k < o.array; ++k)
        body += (k == 0 ? "" : ",") + contract_doc(o, index, n * o.array + k);
      body += "]";
    }
    auto res = client->Post("/v1/contracts", body, "application/json");
    if (!ok(res)) {
      t.fail(describe("POST /v1/contracts", res));
      continue;
    }
    t.submitted += o.array;
  }
}

/// Reads contracts this run's first submitter wrote (the first one, until
/// there are more), timing each read.
void reader(const options& o, clock_type::time_point until, totals& t) {
  auto client = connect(o);
  std::vector<double> mine;
  for (size_t n = 0; clock_type::now() < until; ++n) {
    auto path = "/v1/contracts/L-" + o.run + "-0-"
                + std::to_string(n % std::max<size_t>(1, t.submitted / 4));
    auto began = clock_type::now();
    auto res = client->Get(path.c_str());
    auto ms
      = std::chrono::duration<double, std::milli>(clock_type::now() - began)
          .count();
    // A contract the first submitter has not written yet is a 404: a read
    // answered all the same.
    if (!res || (res->status != 200 && res->status != 404)) {
      t.fail(describe("GET /v1/contracts/ID", res));
      continue;
    }
    mine.push_back(ms);
    ++t.reads;
  }
  std::lock_guard<std::mutex> guard{t.lock};
  t.read_ms.insert(t.read_ms.end(), mine.begin(), mine.end());
}

double percentile(std::vector<double>& xs, double p) {
  if (xs.empty())
    return 0;
  std::sort(xs.begin(), xs.end());
  auto at = static_cast<size_t>(p * static_cast<double>(xs.size() - 1));
  return xs[at];
}

std::string first_line(const std::string& path) {
  std::ifstream in{path};
  std::string line;
  std::getline(in, line);
  return line;
}

} // namespace

int main(int argc, char** argv) {
  options o;
  CLI::App app{"onset-bench-api: concurrent clients against the HTTP API"};
  app.add_option("--server", o.server, "the API's base URL");
  app.add_option("--token", o.token, "an operator or admin token");
  app.add_option("--token-file", o.token_file, "a file holding the token")
    ->check(CLI::ExistingFile);
  app.add_option("--clients", o.clients, "client threads at once")
    ->check(CLI::Range(1, 2000));
  app.add_option("--readers", o.readers, "of them, readers")
    ->check(CLI::Range(0, 2000));
  app.add_option("--array", o.array, "documents per submission")
    ->check(CLI::Range(1, 1000));
  app.add_option("--printers", o.printers, "printers to register")
    ->check(CLI::Range(1, 100000));
  app.add_option("--seconds", o.seconds, "how long the clients run")
    ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--run", o.run, "a prefix of this run's contract ids");
  CLI11_PARSE(app, argc, argv);
  if (o.readers >= o.clients) {
    std::fprintf(stderr, "--readers: must be fewer than --clients\n");
    return 2;
  }
  if (!o.token_file.empty())
    o.token = first_line(o.token_file);
  if (o.token.empty()) {
    std::fprintf(stderr, "--token or --token-file: required\n");
    return 2;
  }
  totals t;
  if (!register_printers(o, t)) {
    std::fprintf(stderr, "api_load registration failed: %s\n",
                 t.first_error.c_str());
    return 1;
  }
  auto began = clock_type::now();
  auto until = began
               + std::chrono::duration_cast<clock_type::duration>(
                 std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < o.clients - o.readers; ++i)
    threads.emplace_back([&, i] { submitter(o, i, until, t); });
  for (size_t i = 0; i < o.readers; ++i)
    threads.emplace_back([&] { reader(o, until, t); });
  for (auto& x : threads)
    x.join();
  auto elapsed
    = std::chrono::duration<double>(clock_type::now() - began).count();
  std::printf("api_load clients=%zu readers=%zu array=%zu seconds=%.1f "
              "submitted=%zu submissions_per_s=%.0f reads=%zu "
              "read_p50_ms=%.1f read_p99_ms=%.1f errors=%zu "
              "first_error=\"%s\"\n",
              o.clients, o.readers, o.array, elapsed, t.submitted.load(),
              static_cast<double>(t.submitted) / elapsed, t.reads.load(),
              percentile(t.read_ms, 0.5), percentile(t.read_ms, 0.99),
              t.errors.load(), t.first_error.c_str());
  return t.errors == 0 ? 0 : 1;
}
