#define CAF_SUITE serialization
#include <caf/meta/annotation.hpp>
#include <caf/test/unit_test.hpp>

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <sstream>

#include "persistence/archive.hpp"
#include "persistence/serialization.hpp"
#include "tests/support/persistence.hpp"

using namespace onset;
using namespace onset::persistence;
using onset::test::fails_with;

namespace {

// -- every field that messages/ inspects is stored ----------------------------

/// Counts the fields a CAF `inspect` function names.
struct inspected_fields {
  using result_type = void;
  static constexpr bool reads_state = true;
  static constexpr bool writes_state = false;
  size_t count = 0;

  template <class... Ts>
  void operator()(Ts&&... xs) {
    (add(xs), ...);
  }

  template <class T>
  void add(const T&) {
    if constexpr (!caf::meta::is_annotation<T>::value)
      ++count;
  }
};

/// Counts the fields a Boost `serialize` function stores.
struct stored_fields {
  using is_loading = boost::mpl::false_;
  using is_saving = boost::mpl::true_;
  size_t count = 0;

  template <class T>
  stored_fields& operator&(const T&) {
    ++count;
    return *this;
  }
};

/// `version`: the class version this build writes (raised when a field is
/// added); all its fields must be stored but the last `wire_only` ones
/// (fields that only travel, documented as such where they are declared).
template <class T>
void check_all_fields_stored(const char* name, unsigned version = 1,
                             size_t wire_only = 0) {
  T x;
  inspected_fields inspected;
  inspect(inspected, x);
  stored_fields stored;
  boost::serialization::serialize(stored, x, version);
  CAF_MESSAGE(name << ": " << stored.count << " fields stored");
  if (stored.count + wire_only != inspected.count)
    CAF_FAIL(name << " has " << inspected.count << " fields but "
                  << stored.count
                  << " are stored: update persistence/serialization.hpp "
                     "and raise its class version");
  unsigned written = boost::serialization::version<T>::value;
  CAF_CHECK_EQUAL(written, version);
}

// -- the versioning mechanism, on a probe record
// -------------------------------

// Version 1 of a record: a name.
struct probe_v1 {
  std::string name;
};

// The same record after a layout change: version 2 adds a priority, which a
// version-1 record does not have (it then gets the old behaviour, 5).
struct probe {
  std::string name;
  int priority = 0;
};

// A record from a future build.
struct probe_v3 {
  std::string name;
};

} // namespace

namespace boost::serialization {

template <class Archive>
void serialize(Archive& ar, probe_v1& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "probe_v1");
  ar& x.name;
}

template <class Archive>
void serialize(Archive& ar, probe& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "probe");
  ar& x.name;
  if (version >= 2)
    ar& x.priority;
  else
    x.priority = 5;
}

template <class Archive>
void serialize(Archive& ar, probe_v3& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "probe_v3");
  ar& x.name;
}

} // namespace boost::serialization

ONSET_STORED_TYPE(probe_v1, 1)
ONSET_STORED_TYPE(probe, 2)
ONSET_STORED_TYPE(probe_v3, 3)

CAF_TEST(every inspected field of every stored record is stored) {
  check_all_fields_stored<contract_id>("contract_id");
  check_all_fields_stored<utc_time>("utc_time");
  check_all_fields_stored<firmware_version>("firmware_version");
  check_all_fields_stored<setting_value>("setting_value");
  check_all_fields_stored<target>("target");
  check_all_fields_stored<stream_id>("stream_id", 2);
  // `acked_before` marks a resent step on the wire only.
  check_all_fields_stored<instruction>("instruction", 1, 1);
  check_all_fields_stored<contract>("contract");
  check_all_fields_stored<device_record>("device_record");
  check_all_fields_stored<device_state>("device_state");
  check_all_fields_stored<service_device_state>("service_device_state");
  check_all_fields_stored<device_ledger>("device_ledger");
  check_all_fields_stored<service_ledger>("service_ledger");
  check_all_fields_stored<applied_ledger>("applied_ledger");
  check_all_fields_stored<contract_record>("contract_record", 2);
  check_all_fields_stored<contract_status>("contract_status", 2);
  check_all_fields_stored<due_timer>("due_timer");
  check_all_fields_stored<history_entry>("history_entry");
  // The position is the feed key's, not the record's.
  check_all_fields_stored<contract_event>("contract_event", 1, 1);
}

CAF_TEST(a record of an older version loads through its version path) {
  auto old_bytes = encode_archive(probe_v1{"backup"});
  probe x;
  ONSET_OK(decode_archive(old_bytes, x, db::contracts, "P-1"));
  CAF_CHECK_EQUAL(x.name, "backup");
  CAF_CHECK_EQUAL(x.priority, 5);
  auto new_bytes = encode_archive(probe{"delivery", 9});
  probe y;
  ONSET_OK(decode_archive(new_bytes, y, db::contracts, "P-2"));
  CAF_CHECK_EQUAL(y.name, "delivery");
  CAF_CHECK_EQUAL(y.priority, 9);
}

CAF_TEST(a record of a newer version is refused with format_mismatch) {
  auto future = encode_archive(probe_v3{"backup"});
  probe x;
  CAF_CHECK(fails_with(decode_archive(future, x, db::contracts, "P-3"),
                       error_code::format_mismatch,
                       "db=contracts key=P-3: written by a newer build"));
}

CAF_TEST(every stored record round - trips) {
  auto record = test::sample_contract("C-1");
  contract_record loaded;
  ONSET_OK(decode_archive(encode_archive(record), loaded, db::contracts, "C"));
  CAF_CHECK_EQUAL(loaded, record);
  auto ins = test::sample_instruction(test::service_stream("C-1", "x"), 4);
  instruction ins2;
  ONSET_OK(decode_archive(encode_archive(ins), ins2, db::outbox, "I"));
  CAF_CHECK_EQUAL(ins2, ins);
  auto dev = test::sample_device("MFP-1");
  device_state dev2;
  ONSET_OK(decode_archive(encode_archive(dev), dev2, db::devices, "D"));
  CAF_CHECK_EQUAL(dev2, dev);
}

// -- the record archives write and read Boost's binary format
// ------------------

namespace {

/// The bytes boost::archive::binary_oarchive writes for `x` with the
/// stores' flags: the format the records were defined with.
template <class T>
std::string boost_bytes(const T& x) {
  std::ostringstream out;
  {
    boost::archive::binary_oarchive ar{out, archive_flags};
    ar << x;
  }
  return out.str();
}

/// `x` read back with boost::archive::binary_iarchive.
template <class T>
T boost_load(const std::string& bytes) {
  std::istringstream in{bytes};
  boost::archive::binary_iarchive ar{in, archive_flags};
  T x;
  ar >> x;
  return x;
}

/// One value of every type the stores encode (persistence/codec.hpp), with
/// every field set to something other than its default.
struct every_record {
  contract_record record = test::sample_contract("C-1", 3);
  contract_status status = status_of(record);
  device_ledger printer_ledger = record.ledger.devices.begin()->second;
  service_ledger service_entry
    = record.ledger.services.begin()->second.begin()->second;
  instruction ins = test::sample_instruction(test::service_stream("C-1", "x"),
                                             4);
  device_state printer = test::sample_device("MFP-1");
  service_device_state service_printer{
    {{"period_days", setting_value::of_number(7)}},
    true,
    true};
  due_timer timer{utc_time{1'767'225'600}, contract_id{"C-1"}, timer_kind::end};
  history_entry line{utc_time{1'767'225'601}, history_kind::acked,
                     "target=device/MFP-1 kind=firmware seq=2"};
  std::vector<history_entry> lines{line, line, {}};
  contract_event event{"0123456789abcdef0123456789abcdef",
                       0,
                       utc_time{1'767'225'602},
                       "contract.degraded",
                       contract_id{"C-1"},
                       3,
                       customer_id{"acme"},
                       "active",
                       "degraded",
                       "printer MFP-1 refused",
                       {device_id{"MFP-1"}},
                       "ops"};

  template <class F>
  void each(F f) const {
    f(record, "contract_record");
    f(record.doc, "contract");
    f(status, "contract_status");
    f(printer_ledger, "device_ledger");
    f(service_entry, "service_ledger");
    f(ins, "instruction");
    f(printer, "device_state");
    f(service_printer, "service_device_state");
    f(timer, "due_timer");
    f(line, "history_entry");
    f(lines, "history lines");
    f(event, "contract_event");
  }
};

} // namespace

CAF_TEST(every stored record is written byte for byte as Boost writes it) {
  every_record{}.each([](const auto& x, const char* name) {
    CAF_MESSAGE(name);
    auto ours = encode_archive(x);
    CAF_CHECK(!ours.empty());
    CAF_CHECK(ours == boost_bytes(x));
  });
}

CAF_TEST(Boost reads every stored record as written and it reads Boost bytes) {
  every_record{}.each([](const auto& x, const char* name) {
    using type = std::decay_t<decltype(x)>;
    CAF_MESSAGE(name);
    CAF_CHECK(boost_load<type>(encode_archive(x)) == x);
    type y;
    ONSET_OK(decode_archive(boost_bytes(x), y, db::contracts, "K"));
    CAF_CHECK(y == x);
  });
}

CAF_TEST(a cut record is refused with corrupt_record naming what is missing) {
  auto bytes = encode_archive(test::sample_contract("C-1"));
  contract_record x;
  CAF_CHECK(fails_with(
    decode_archive(std::string_view{bytes}.substr(0, bytes.size() - 3), x,
                   db::contracts, "C-1"),
    error_code::corrupt_record, "db=contracts key=C-1: the record ends"));
}

CAF_TEST(a string longer than its record is refused before it is allocated) {
  history_entry line{utc_time{1}, history_kind::acked, "seq=1"};
  auto bytes = encode_archive(line);
  // The last field is the detail: a size_t length, then its bytes.
  auto length_at = bytes.size() - line.detail.size() - sizeof(std::size_t);
  std::size_t huge = std::size_t{1} << 60;
  bytes.replace(length_at, sizeof huge, reinterpret_cast<const char*>(&huge),
                sizeof huge);
  history_entry x;
  CAF_CHECK(fails_with(decode_archive(bytes, x, db::history, "H-1"),
                       error_code::corrupt_record,
                       "db=history key=H-1: a string of 1152921504606846976 "
                       "bytes with 5 bytes left"));
}

CAF_TEST(a bool field other than 0 or 1 is refused with corrupt_record) {
  service_device_state state{{}, true, false};
  auto bytes = encode_archive(state);
  // The last two fields are the bools registered and active.
  bytes[bytes.size() - 2] = 7;
  service_device_state x;
  CAF_CHECK(fails_with(decode_archive(bytes, x, db::devices, "S-1"),
                       error_code::corrupt_record,
                       "db=devices key=S-1: a bool field holds 7"));
}
