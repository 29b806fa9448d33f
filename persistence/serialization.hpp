// How records are laid out on disk: Boost.Serialization `serialize` free
// functions (non-intrusive) for every type the stores keep. These, not the
// CAF `inspect` functions, define the stored format: a change to a record in
// messages/ changes nothing on disk until it is made here, with a version
// bump (the `persistence.serialization` test fails when a record gains a
// field this file does not store).
//
// Every type carries a class version (BOOST_CLASS_VERSION), written once per
// type per record. Each function below lists its fields per version. To
// change a layout: raise its version, write the new fields
// under `if (version >= 2)` (loading an older record then leaves them at
// their defaults, or fills them from what the old layout had), and keep the
// older branches for as long as such records may exist. A record written by
// a newer build (a version above the one compiled here) does not decode:
// the stores report it as `format_mismatch`, naming database and key
// (every function starts with `check_version` for that).
//
// Enums are stored as one byte and checked on load; when an enum in
// messages/ gains a value, raise its last value here.
//
// Include only from .cpp files (Boost headers are heavy): the stores use
// persistence/codec.hpp.
#pragma once

#include <boost/serialization/map.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/tracking.hpp>
#include <boost/serialization/vector.hpp>
#include <boost/serialization/version.hpp>
#include <cstdint>
#include <string>

#include "messages/applied_ledger.hpp"
#include "messages/contract.hpp"
#include "messages/contract_event.hpp"
#include "messages/contract_record.hpp"
#include "messages/contract_state.hpp"
#include "messages/contract_status.hpp"
#include "messages/device_record.hpp"
#include "messages/device_state.hpp"
#include "messages/due_timer.hpp"
#include "messages/firmware_version.hpp"
#include "messages/history_entry.hpp"
#include "messages/ids.hpp"
#include "messages/instruction.hpp"
#include "messages/setting_value.hpp"
#include "messages/utc_time.hpp"
#include "persistence/archive.hpp"

namespace onset::persistence {

/// Class versions above this are taken for corruption.
inline constexpr unsigned max_plausible_version = 255;

/// On load, refuses a record of a newer class version than this build's.
template <class Archive, class T>
void check_version(Archive&, const T&, unsigned version, const char* name) {
  if constexpr (Archive::is_loading::value) {
    constexpr unsigned known = boost::serialization::version<T>::value;
    // Class versions grow one at a time; a huge one is garbage, not a
    // record from the future.
    if (version > max_plausible_version)
      throw bad_field(std::string{name} + " has no plausible class version ("
                      + std::to_string(version) + ")");
    if (version > known)
      throw newer_version(std::string{name} + " version "
                          + std::to_string(version) + ", this build reads up "
                          + "to " + std::to_string(known));
  }
}

/// Stores an enum as one byte; on load, refuses values above `last`.
template <class Archive, class Enum>
void enum_field(Archive& ar, Enum& x, Enum last, const char* name) {
  auto raw = static_cast<uint8_t>(x);
  ar& raw;
  if constexpr (Archive::is_loading::value) {
    if (raw > static_cast<uint8_t>(last))
      throw bad_field(std::string{name}
                      + " out of range: " + std::to_string(raw));
    x = static_cast<Enum>(raw);
  }
}

} // namespace onset::persistence

namespace boost::serialization {

// strong ids, version 1: text
template <class Archive, class Tag>
void serialize(Archive& ar, onset::strong_id<Tag>& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "id");
  ar& x.mutable_str();
}

// utc_time, version 1: seconds
template <class Archive>
void serialize(Archive& ar, onset::utc_time& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "utc_time");
  ar& x.seconds;
}

// firmware_version, version 1: parts
template <class Archive>
void serialize(Archive& ar, onset::firmware_version& x,
               const unsigned version) {
  onset::persistence::check_version(ar, x, version, "firmware_version");
  ar& x.parts;
}

// setting_value, version 1: kind flag number word words
template <class Archive>
void serialize(Archive& ar, onset::setting_value& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "setting_value");
  onset::persistence::enum_field(ar, x.kind, onset::value_kind::words,
                                 "value_kind");
  ar& x.flag;
  ar& x.number;
  ar& x.word;
  ar& x.words;
}

// target, version 1: kind name
template <class Archive>
void serialize(Archive& ar, onset::target& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "target");
  onset::persistence::enum_field(ar, x.kind, onset::target_kind::service,
                                 "target_kind");
  ar& x.name;
}

// stream_id, version 1: contract to; version 2 (format 5): device
template <class Archive>
void serialize(Archive& ar, onset::stream_id& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "stream_id");
  ar& x.contract;
  ar& x.to;
  if (version >= 2)
    ar& x.device;
}

// instruction, version 1: stream seq kind device contract_version firmware
// apps values
template <class Archive>
void serialize(Archive& ar, onset::instruction& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "instruction");
  ar& x.stream;
  ar& x.seq;
  onset::persistence::enum_field(ar, x.kind, onset::step_kind::skip,
                                 "step_kind");
  ar& x.device;
  ar& x.contract_version;
  ar& x.firmware;
  ar& x.apps;
  ar& x.values;
}

// contract, version 1: id version customer start end devices services
// event_id
template <class Archive>
void serialize(Archive& ar, onset::contract& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "contract");
  ar& x.id;
  ar& x.version;
  ar& x.customer;
  ar& x.start;
  ar& x.end;
  ar& x.devices;
  ar& x.services;
  ar& x.event_id;
}

// device_record, version 1: id customer model firmware apps
template <class Archive>
void serialize(Archive& ar, onset::device_record& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "device_record");
  ar& x.id;
  ar& x.customer;
  ar& x.model;
  ar& x.firmware;
  ar& x.apps;
}

// device_state, version 1: registration firmware apps values online
template <class Archive>
void serialize(Archive& ar, onset::device_state& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "device_state");
  ar& x.registration;
  ar& x.firmware;
  ar& x.apps;
  ar& x.values;
  ar& x.online;
}

// service_device_state, version 1: values registered active
template <class Archive>
void serialize(Archive& ar, onset::service_device_state& x,
               const unsigned version) {
  onset::persistence::check_version(ar, x, version, "service_device_state");
  ar& x.values;
  ar& x.registered;
  ar& x.active;
}

// device_ledger, version 1: firmware apps owned_apps values
template <class Archive>
void serialize(Archive& ar, onset::device_ledger& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "device_ledger");
  ar& x.firmware;
  ar& x.apps;
  ar& x.owned_apps;
  ar& x.values;
}

// service_ledger, version 1: values prepared active
template <class Archive>
void serialize(Archive& ar, onset::service_ledger& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "service_ledger");
  ar& x.values;
  ar& x.prepared;
  ar& x.active;
}

// applied_ledger, version 1: devices services
template <class Archive>
void serialize(Archive& ar, onset::applied_ledger& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "applied_ledger");
  ar& x.devices;
  ar& x.services;
}

// contract_record, version 1: doc state reason started ending ledger;
// version 2: degraded_devices
// (the whole record in one value: format 1's contract value. Format 2 stores
// its parts apart: contract, contract_status, device_ledger, service_ledger;
// this layout is only read, by the format 1 -> 2 upgrade, and by tests that
// build a format 1 store.)
template <class Archive>
void serialize(Archive& ar, onset::contract_record& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "contract_record");
  ar& x.doc;
  onset::persistence::enum_field(ar, x.state, onset::contract_state::ended,
                                 "contract_state");
  ar& x.reason;
  ar& x.started;
  ar& x.ending;
  ar& x.ledger;
  if (version >= 2)
    ar& x.degraded_devices;
}

// contract_status, version 1: state reason started ending; version 2
// (format 5): degraded_devices
template <class Archive>
void serialize(Archive& ar, onset::contract_status& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "contract_status");
  onset::persistence::enum_field(ar, x.state, onset::contract_state::ended,
                                 "contract_state");
  ar& x.reason;
  ar& x.started;
  ar& x.ending;
  if (version >= 2)
    ar& x.degraded_devices;
}

// due_timer, version 1: at contract kind
template <class Archive>
void serialize(Archive& ar, onset::due_timer& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "due_timer");
  ar& x.at;
  ar& x.contract;
  onset::persistence::enum_field(ar, x.kind, onset::timer_kind::end,
                                 "timer_kind");
}

// history_entry, version 1: at kind detail
template <class Archive>
void serialize(Archive& ar, onset::history_entry& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "history_entry");
  ar& x.at;
  onset::persistence::enum_field(ar, x.kind, onset::history_kind::abandoned,
                                 "history_kind");
  ar& x.detail;
}

// contract_event, version 1: id at type contract version customer from to
// reason devices by (the position is the key's)
template <class Archive>
void serialize(Archive& ar, onset::contract_event& x, const unsigned version) {
  onset::persistence::check_version(ar, x, version, "contract_event");
  ar& x.id;
  ar& x.at;
  ar& x.type;
  ar& x.contract;
  ar& x.version;
  ar& x.customer;
  ar& x.from;
  ar& x.to;
  ar& x.reason;
  ar& x.devices;
  ar& x.by;
}

} // namespace boost::serialization

// A stored type: its class version, and no object tracking (records are
// values; nothing is shared or stored through pointers).
#define ONSET_STORED_TYPE(type, version)                                       \
  BOOST_CLASS_VERSION(type, version)                                           \
  BOOST_CLASS_TRACKING(type, boost::serialization::track_never)

ONSET_STORED_TYPE(onset::contract_id, 1)
ONSET_STORED_TYPE(onset::device_id, 1)
ONSET_STORED_TYPE(onset::customer_id, 1)
ONSET_STORED_TYPE(onset::service_id, 1)
ONSET_STORED_TYPE(onset::utc_time, 1)
ONSET_STORED_TYPE(onset::firmware_version, 1)
ONSET_STORED_TYPE(onset::setting_value, 1)
ONSET_STORED_TYPE(onset::target, 1)
ONSET_STORED_TYPE(onset::stream_id, 2)
ONSET_STORED_TYPE(onset::instruction, 1)
ONSET_STORED_TYPE(onset::contract, 1)
ONSET_STORED_TYPE(onset::device_record, 1)
ONSET_STORED_TYPE(onset::device_state, 1)
ONSET_STORED_TYPE(onset::service_device_state, 1)
ONSET_STORED_TYPE(onset::device_ledger, 1)
ONSET_STORED_TYPE(onset::service_ledger, 1)
ONSET_STORED_TYPE(onset::applied_ledger, 1)
ONSET_STORED_TYPE(onset::contract_record, 2)
ONSET_STORED_TYPE(onset::contract_status, 2)
ONSET_STORED_TYPE(onset::due_timer, 1)
ONSET_STORED_TYPE(onset::history_entry, 1)
ONSET_STORED_TYPE(onset::contract_event, 1)
