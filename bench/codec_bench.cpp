// onset-bench-codec: what a record costs to encode and decode with the
// stores' record archives (persistence/record_archive.hpp) against Boost's
// binary archives over a stream buffer (what the stores used before), which
// write the same bytes. Prints,
// from one run, ns per record for each of the records a provisioning step
// writes and reads, and the ratios:
//
//   codec_bench encode_ns=... boost_encode_ns=... encode_ratio=...
//               decode_ns=... boost_decode_ns=... decode_ratio=...
//
// The two are timed alternately, in rounds, so that a noisy machine slows
// both alike.
#include <CLI/CLI.hpp>
#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <chrono>
#include <cstdio>
#include <streambuf>
#include <string>
#include <vector>

#include "persistence/archive.hpp"
#include "persistence/serialization.hpp"

using namespace onset;
using namespace onset::persistence;

namespace {

using clock_type = std::chrono::steady_clock;

/// The records of one device step of a contract, as the stores write them:
/// the instruction (outbox), the history lines of the write, the printer's
/// ledger entry and the contract's status; on the devices node, the
/// printer's state.
struct step_records {
  instruction ins;
  std::vector<history_entry> lines;
  device_ledger ledger;
  contract_status status;
  device_state printer;

  step_records() {
    ins.stream = stream_id{contract_id{"C-000123"},
                           target{target_kind::device, "MFP-000246"}};
    ins.seq = 3;
    ins.kind = step_kind::settings_apply;
    ins.device = device_id{"MFP-000246"};
    ins.contract_version = 1;
    ins.values["backup_enabled"] = setting_value::of_flag(true);
    ins.values["backup_format"] = setting_value::of_word("differential");
    lines.push_back({utc_time{1'767'225'600}, history_kind::acked,
                     "target=device/MFP-000246 kind=settings_apply seq=3"});
    lines.push_back({utc_time{1'767'225'600}, history_kind::sent,
                     "target=device/MFP-000246 kind=firmware seq=4"});
    ledger.firmware = *firmware_version::parse("3.10.2");
    ledger.apps = {"backup-agent"};
    ledger.owned_apps = {"backup-agent"};
    ledger.values = ins.values;
    status.state = contract_state::provisioning;
    status.started = true;
    printer.registration.id = ins.device;
    printer.registration.customer = customer_id{"ACME"};
    printer.registration.model = "imageRUNNER C3226";
    printer.firmware = ledger.firmware;
    printer.apps = {"backup-agent", "scan"};
    printer.values = ins.values;
  }

  template <class F>
  void each(F&& f) const {
    f(ins);
    f(lines);
    f(ledger);
    f(status);
    f(printer);
  }

  static constexpr int count = 5;
};

/// What the stores encoded with before the record archives: a
/// binary_oarchive over a stream buffer that appends to a string.
class string_sink : public std::streambuf {
public:
  explicit string_sink(std::string& out) : out_(out) {
  }

protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_.append(s, static_cast<size_t>(n));
    return n;
  }
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof()))
      out_.push_back(traits_type::to_char_type(c));
    return traits_type::not_eof(c);
  }

private:
  std::string& out_;
};

/// And decoded with: a binary_iarchive over a stream buffer on the bytes.
class view_source : public std::streambuf {
public:
  explicit view_source(const std::string& in) {
    auto* begin = const_cast<char*>(in.data());
    setg(begin, begin, begin + in.size());
  }
};

template <class T>
std::string boost_encode(const T& x) {
  std::string out;
  string_sink sink{out};
  {
    boost::archive::binary_oarchive ar{sink, archive_flags};
    ar << x;
  }
  return out;
}

template <class T>
void boost_decode(const std::string& bytes, T& x) {
  view_source source{bytes};
  boost::archive::binary_iarchive ar{source, archive_flags};
  ar >> x;
}

/// Nanoseconds per call of `f`, `n` calls.
template <class F>
double ns_per_call(int n, F&& f) {
  auto start = clock_type::now();
  for (int i = 0; i < n; ++i)
    f();
  std::chrono::duration<double, std::nano> took = clock_type::now() - start;
  return took.count() / n;
}

/// Keeps the optimiser from dropping work whose result is unused.
size_t sink = 0;

} // namespace

int main(int argc, char** argv) {
  int rounds = 10;
  int per_round = 20000;
  CLI::App app{"onset-bench-codec: record archives against Boost's binary "
               "archives, ns per record"};
  app.add_option("--rounds", rounds, "alternating rounds")
    ->check(CLI::Range(1, 1000));
  app.add_option("--per-round", per_round, "records of each kind per round")
    ->check(CLI::Range(1, 10'000'000));
  CLI11_PARSE(app, argc, argv);

  step_records records;
  double ours_out = 0, boost_out = 0, ours_in = 0, boost_in = 0;
  for (int round = 0; round < rounds; ++round) {
    records.each([&](const auto& x) {
      using type = std::decay_t<decltype(x)>;
      auto bytes = encode_archive(x);
      if (bytes != boost_encode(x)) {
        std::fprintf(stderr, "onset-bench-codec: the record archive wrote "
                             "other bytes than binary_oarchive\n");
        std::exit(1);
      }
      ours_out += ns_per_call(per_round,
                              [&] { sink += encode_archive(x).size(); });
      boost_out += ns_per_call(per_round,
                               [&] { sink += boost_encode(x).size(); });
      ours_in += ns_per_call(per_round, [&] {
        type y;
        if (auto st = decode_archive(bytes, y, db::outbox, "bench"); !st)
          std::exit(1);
        sink += sizeof(y);
      });
      boost_in += ns_per_call(per_round, [&] {
        type y;
        boost_decode(bytes, y);
        sink += sizeof(y);
      });
    });
  }
  auto per_record = [&](double total) {
    return total / (rounds * step_records::count);
  };
  std::printf("%-40s %10s %10s\n", "ns per record", "encode", "decode");
  std::printf("%-40s %10.0f %10.0f\n", "record archives (persistence/)",
              per_record(ours_out), per_record(ours_in));
  std::printf("%-40s %10.0f %10.0f\n", "boost binary archives, stream buffer",
              per_record(boost_out), per_record(boost_in));
  std::printf("codec_bench encode_ns=%.0f boost_encode_ns=%.0f "
              "encode_ratio=%.2f decode_ns=%.0f boost_decode_ns=%.0f "
              "decode_ratio=%.2f\n",
              per_record(ours_out), per_record(boost_out), boost_out / ours_out,
              per_record(ours_in), per_record(boost_in), boost_in / ours_in);
  return sink == 0 ? 1 : 0;
}
