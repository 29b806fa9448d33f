// The archives the stores encode and decode records with: Boost binary
// archives that write and read exactly the bytes of
// `boost::archive::binary_oarchive` / `binary_iarchive` opened with
// `no_header | no_codecvt`, over a string and a view, without a stream
// buffer and without a locale.
//
// Why not binary_oarchive itself: Boost 1.74's binary primitives build a
// `std::locale` (a copy of every facet of the stream's locale plus a
// codecvt facet) in every archive's constructor, `no_codecvt` or not, and
// destroy it in the destructor. One archive per record is what keeps each
// record readable on its own, and at thousands of records a second that
// locale was the largest single cost of encoding (docs/bench.md, "What the
// figures decided").
//
// The class-level part (versions, class ids, collection sizes, the array
// optimisation) is Boost's own `basic_binary_oarchive` /
// `basic_binary_iarchive`; only the primitives are written here, as
// `basic_binary_oprimitive` / `basic_binary_iprimitive` write them (raw bytes
// of the value; a string as its `size_t` length and its bytes). The
// `persistence.serialization` test checks the bytes against binary_oarchive for
// every stored record, and that binary_iarchive reads what these write.
//
// Include only from .cpp files, through persistence/archive.hpp.
#pragma once

#include <boost/archive/basic_binary_iarchive.hpp>
#include <boost/archive/basic_binary_oarchive.hpp>
// Defines basic_binary_iarchive::load_override(class_name_type&), which
// basic_iarchive names (for pointers, which no record holds).
#include <boost/archive/detail/register_archive.hpp>
#include <boost/archive/impl/basic_binary_iarchive.ipp>
#include <boost/serialization/array_wrapper.hpp>
#include <boost/serialization/is_bitwise_serializable.hpp>
#include <cstddef>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace onset::persistence {

/// Thrown by `record_iarchive` when a record ends before its fields do or
/// holds what no build writes (a bool other than 0 or 1, a string longer
/// than the rest of the record); decoding reports it as `corrupt_record`.
struct malformed_record : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Appends one record's bytes to a string.
class record_oarchive
  : public boost::archive::basic_binary_oarchive<record_oarchive> {
public:
  /// `flags`: boost::archive flags; no_header is required (this archive
  /// writes no header).
  record_oarchive(std::string& out, unsigned flags)
    : boost::archive::basic_binary_oarchive<record_oarchive>(flags), out_(out) {
  }

  // -- what basic_binary_oarchive and interface_oarchive call -----------------

  template <class T>
  void save_override(T& t) {
    this->boost::archive::basic_binary_oarchive<record_oarchive>::save_override(
      t);
  }

  template <class T>
  void save(const T& t) {
    save_binary(&t, sizeof(T));
  }

  void save(const bool t) {
    save_binary(&t, sizeof(t));
  }

  void save(const std::string& s) {
    std::size_t size = s.size();
    save(size);
    save_binary(s.data(), size);
  }

  void save(const char* s) {
    std::size_t size = std::strlen(s);
    save(size);
    save_binary(s, size);
  }

  struct use_array_optimization {
    template <class T>
    struct apply : boost::serialization::is_bitwise_serializable<T> {};
  };

  template <class T>
  void save_array(const boost::serialization::array_wrapper<T>& a, unsigned) {
    save_binary(a.address(), a.count() * sizeof(T));
  }

  void save_binary(const void* address, std::size_t count) {
    out_.append(static_cast<const char*>(address), count);
  }

private:
  std::string& out_;
};

/// Reads one record's bytes from a view, without copying it.
class record_iarchive
  : public boost::archive::basic_binary_iarchive<record_iarchive> {
public:
  /// `flags`: as for record_oarchive.
  record_iarchive(std::string_view in, unsigned flags)
    : boost::archive::basic_binary_iarchive<record_iarchive>(flags), in_(in) {
  }

  /// Bytes not read yet.
  std::size_t remaining() const {
    return in_.size();
  }

  // -- what basic_binary_iarchive and interface_iarchive call -----------------

  template <class T>
  void load_override(T& t) {
    this->boost::archive::basic_binary_iarchive<record_iarchive>::load_override(
      t);
  }

  template <class T>
  void load(T& t) {
    load_binary(&t, sizeof(T));
  }

  void load(bool& t) {
    unsigned char byte = 0;
    load_binary(&byte, 1);
    if (byte > 1)
      throw malformed_record{"a bool field holds " + std::to_string(byte)};
    t = byte == 1;
  }

  void load(std::string& s) {
    std::size_t size = 0;
    load(size);
    if (size > in_.size())
      throw malformed_record{"a string of " + std::to_string(size)
                             + " bytes with " + std::to_string(in_.size())
                             + " bytes left"};
    s.assign(in_.data(), size);
    in_.remove_prefix(size);
  }

  struct use_array_optimization {
    template <class T>
    struct apply : boost::serialization::is_bitwise_serializable<T> {};
  };

  template <class T>
  void load_array(boost::serialization::array_wrapper<T>& a, unsigned) {
    load_binary(a.address(), a.count() * sizeof(T));
  }

  void load_binary(void* address, std::size_t count) {
    if (count > in_.size())
      throw malformed_record{"the record ends "
                             + std::to_string(count - in_.size())
                             + " bytes early"};
    std::memcpy(address, in_.data(), count);
    in_.remove_prefix(count);
  }

private:
  std::string_view in_;
};

} // namespace onset::persistence

BOOST_SERIALIZATION_REGISTER_ARCHIVE(onset::persistence::record_oarchive)
BOOST_SERIALIZATION_USE_ARRAY_OPTIMIZATION(onset::persistence::record_oarchive)
BOOST_SERIALIZATION_REGISTER_ARCHIVE(onset::persistence::record_iarchive)
BOOST_SERIALIZATION_USE_ARRAY_OPTIMIZATION(onset::persistence::record_iarchive)
