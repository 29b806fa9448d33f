// Encoding a record into a string and decoding it from a view, with the
// record archives (persistence/record_archive.hpp: the bytes of a Boost
// binary archive without its header, the format fixed by the class versions
// in persistence/serialization.hpp). Binary archives are machine-local:
// they never leave this node (docs/design.md, "Storage").
//
// Include only from .cpp files; the stores use persistence/codec.hpp.
#pragma once

#include <boost/archive/archive_exception.hpp>
#include <boost/archive/basic_archive.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "messages/error_code.hpp"
#include "persistence/record_archive.hpp"
#include "persistence/status.hpp"
#include "persistence/transaction.hpp"

namespace onset::persistence {

/// Thrown while loading a field that no build ever wrote (an enum out of
/// range); decoding reports it as `corrupt_record`.
struct bad_field : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Thrown while loading a record whose class version is newer than this
/// build knows; decoding reports it as `format_mismatch`. (Boost 1.74 does
/// not check class versions itself: each `serialize` calls `check_version`.)
struct newer_version : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The flags of every record archive. `no_header`: records are small and
/// their format is fixed by the class versions. `no_codecvt` changes nothing
/// in record_oarchive / record_iarchive (they have no locale); it is kept so
/// that the flags are those of the binary_oarchive the format was defined
/// with (the serialization test encodes with both).
constexpr unsigned archive_flags = boost::archive::no_header
                                   | boost::archive::no_codecvt;

template <class T>
std::string encode_archive(const T& x) {
  std::string out;
  record_oarchive ar{out, archive_flags};
  ar << x;
  return out;
}

/// Decodes `bytes` into `x`. A failure names `which` and `key_text`:
/// `corrupt_record` if the bytes do not decode (or leave bytes over),
/// `format_mismatch` if they were written with a newer class version.
template <class T>
status decode_archive(std::string_view bytes, T& x, db which,
                      std::string_view key_text) {
  auto where = [&] {
    return std::string{"db="} + to_string(which)
           + " key=" + std::string{key_text} + ": ";
  };
  try {
    record_iarchive ar{bytes, archive_flags};
    ar >> x;
    if (auto left = ar.remaining(); left != 0)
      return make_failure(error_code::corrupt_record,
                          where() + std::to_string(left)
                            + " bytes left over after the record");
    return {};
  } catch (const newer_version& e) {
    return make_failure(error_code::format_mismatch,
                        where() + "written by a newer build (" + e.what()
                          + ")");
  } catch (const std::exception& e) {
    return make_failure(error_code::corrupt_record, where() + e.what());
  }
}

} // namespace onset::persistence
