// Everything that crosses an actor boundary, listed once. Every process
// registers this block (`add_onset_types`, actors/onset_types.hpp), so that
// both sides of a connection know every wire type: CAF sends a value of an
// unregistered type as an empty message, without an error.
//
// Atoms live in `onset::atom`; their text is at most 10 characters.
#pragma once

#include <vector>

#include <caf/type_id.hpp>

#include "messages/contract.hpp"
#include "messages/contract_event.hpp"
#include "messages/device_record.hpp"
#include "messages/due_timer.hpp"
#include "messages/history_entry.hpp"
#include "messages/instruction.hpp"
#include "messages/node_status.hpp"
#include "messages/requester.hpp"
#include "messages/step_answer.hpp"
#include "messages/views.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(onset, caf::first_custom_type_id)

CAF_ADD_TYPE_ID(onset, (onset::contract_id))
CAF_ADD_TYPE_ID(onset, (onset::device_id))
CAF_ADD_TYPE_ID(onset, (onset::customer_id))
CAF_ADD_TYPE_ID(onset, (onset::service_id))
CAF_ADD_TYPE_ID(onset, (onset::setting_value))
CAF_ADD_TYPE_ID(onset, (onset::firmware_version))
CAF_ADD_TYPE_ID(onset, (onset::utc_time))
CAF_ADD_TYPE_ID(onset, (onset::contract))
CAF_ADD_TYPE_ID(onset, (onset::device_record))
CAF_ADD_TYPE_ID(onset, (onset::target))
CAF_ADD_TYPE_ID(onset, (onset::stream_id))
CAF_ADD_TYPE_ID(onset, (onset::instruction))
CAF_ADD_TYPE_ID(onset, (onset::instruction_ack))
CAF_ADD_TYPE_ID(onset, (onset::history_entry))
CAF_ADD_TYPE_ID(onset, (onset::device_state))
CAF_ADD_TYPE_ID(onset, (onset::service_device_state))
CAF_ADD_TYPE_ID(onset, (onset::stream_watermark))
CAF_ADD_TYPE_ID(onset, (onset::device_view))
CAF_ADD_TYPE_ID(onset, (onset::service_view))
CAF_ADD_TYPE_ID(onset, (onset::contract_summary))
CAF_ADD_TYPE_ID(onset, (onset::step_view))
CAF_ADD_TYPE_ID(onset, (onset::contract_view))
CAF_ADD_TYPE_ID(onset, (onset::submit_result))
CAF_ADD_TYPE_ID(onset, (onset::timer_kind))
CAF_ADD_TYPE_ID(onset, (std::vector<onset::device_id>) )
CAF_ADD_TYPE_ID(onset, (std::vector<onset::device_record>) )
CAF_ADD_TYPE_ID(onset, (std::vector<onset::instruction>) )
CAF_ADD_TYPE_ID(onset, (std::vector<onset::history_entry>) )
CAF_ADD_TYPE_ID(onset, (std::vector<onset::contract_summary>) )
CAF_ADD_TYPE_ID(onset, (std::vector<onset::contract>) )
CAF_ADD_TYPE_ID(onset, (std::vector<onset::submit_result>) )
CAF_ADD_TYPE_ID(onset, (onset::node_status))
CAF_ADD_TYPE_ID(onset, (std::vector<onset::node_status>) )
CAF_ADD_TYPE_ID(onset, (onset::step_answer))
CAF_ADD_TYPE_ID(onset, (std::vector<onset::step_answer>) )
CAF_ADD_TYPE_ID(onset, (onset::requester))
CAF_ADD_TYPE_ID(onset, (onset::contract_event))
CAF_ADD_TYPE_ID(onset, (onset::event_page))
CAF_ADD_TYPE_ID(onset, (std::vector<onset::event_page>) )

CAF_ADD_ATOM(onset, onset::atom, write, "write")
CAF_ADD_ATOM(onset, onset::atom, flush, "flush")
CAF_ADD_ATOM(onset, onset::atom, ok, "ok")
CAF_ADD_ATOM(onset, onset::atom, apply, "apply")
CAF_ADD_ATOM(onset, onset::atom, get, "get")
CAF_ADD_ATOM(onset, onset::atom, list, "list")
CAF_ADD_ATOM(onset, onset::atom, online, "online")
CAF_ADD_ATOM(onset, onset::atom, enroll, "enroll")
CAF_ADD_ATOM(onset, onset::atom, records, "records")
CAF_ADD_ATOM(onset, onset::atom, submit, "submit")
CAF_ADD_ATOM(onset, onset::atom, start, "start")
CAF_ADD_ATOM(onset, onset::atom, cancel, "cancel")
CAF_ADD_ATOM(onset, onset::atom, retry, "retry")
CAF_ADD_ATOM(onset, onset::atom, history, "history")
CAF_ADD_ATOM(onset, onset::atom, plan, "plan")
CAF_ADD_ATOM(onset, onset::atom, due, "due")
CAF_ADD_ATOM(onset, onset::atom, tick, "tick")
CAF_ADD_ATOM(onset, onset::atom, resend, "resend")
CAF_ADD_ATOM(onset, onset::atom, done, "done")
CAF_ADD_ATOM(onset, onset::atom, devices, "devices")
CAF_ADD_ATOM(onset, onset::atom, contracts, "contracts")
CAF_ADD_ATOM(onset, onset::atom, services, "services")
CAF_ADD_ATOM(onset, onset::atom, nodes, "nodes")
CAF_ADD_ATOM(onset, onset::atom, status, "status")
CAF_ADD_ATOM(onset, onset::atom, peer, "peer")
CAF_ADD_ATOM(onset, onset::atom, permit, "permit")
CAF_ADD_ATOM(onset, onset::atom, answered, "answered")
CAF_ADD_ATOM(onset, onset::atom, hold, "hold")
CAF_ADD_ATOM(onset, onset::atom, release, "release")
CAF_ADD_ATOM(onset, onset::atom, update, "update")
CAF_ADD_ATOM(onset, onset::atom, remove, "remove")
CAF_ADD_ATOM(onset, onset::atom, holders, "holders")
CAF_ADD_ATOM(onset, onset::atom, feed, "feed")
CAF_ADD_ATOM(onset, onset::atom, version, "version")

CAF_END_TYPE_ID_BLOCK(onset)
