// Boost binary archives over strings and views, without the archive header
// (`no_header`: records are small and the format is fixed by the class
// versions in persistence/serialization.hpp) and without a locale. Binary
// archives are machine-local: they never leave this node (DESIGN.md section 6).
//
// Include only from .cpp files; the stores use persistence/codec.hpp.
#pragma once

#include <boost/archive/binary_iarchive.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <ios>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <string_view>

#include "messages/error_code.hpp"
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

/// `no_codecvt`: a binary archive otherwise builds a std::locale with a
/// null codecvt facet for every record, which changes no byte (binary
/// primitives bypass it) and cost ~3 % of a contracts node's CPU.
constexpr unsigned archive_flags =
    boost::archive::no_header | boost::archive::no_codecvt;

/// Appends what is written to a string.
class string_sink : public std::streambuf {
public:
  explicit string_sink(std::string& out)
    : out_(out) {}

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

/// Reads from a view without copying it.
class view_source : public std::streambuf {
public:
  explicit view_source(std::string_view in) {
    auto* begin = const_cast<char*>(in.data());
    setg(begin, begin, begin + in.size());
  }

  /// Bytes not read yet.
  std::streamsize remaining() const { return egptr() - gptr(); }
};

template<class T>
std::string encode_archive(const T& x) {
  std::string out;
  string_sink sink{out};
  {
    boost::archive::binary_oarchive ar{sink, archive_flags};
    ar << x;
  }
  return out;
}

/// Decodes `bytes` into `x`. A failure names `which` and `key_text`:
/// `corrupt_record` if the bytes do not decode (or leave bytes over),
/// `format_mismatch` if they were written with a newer class version.
template<class T>
status decode_archive(std::string_view bytes, T& x, db which,
                      std::string_view key_text) {
  auto where = [&] {
    return std::string{"db="} + to_string(which) +
           " key=" + std::string{key_text} + ": ";
  };
  try {
    view_source source{bytes};
    boost::archive::binary_iarchive ar{source, archive_flags};
    ar >> x;
    if (auto left = source.remaining(); left != 0)
      return make_failure(error_code::corrupt_record,
                          where() + std::to_string(left) +
                              " bytes left over after the record");
    return {};
  } catch (const newer_version& e) {
    return make_failure(error_code::format_mismatch,
                        where() + "written by a newer build (" + e.what() +
                            ")");
  } catch (const std::exception& e) {
    return make_failure(error_code::corrupt_record, where() + e.what());
  }
}

} // namespace onset::persistence
