// Everything that crosses an actor boundary, listed once. Every node
// registers this block (`cfg.add_message_types<caf::id_block::onset>()`), so
// that both sides of a connection know every wire type (DESIGN.md section 10:
// an unregistered type is silently sent as an empty message).
//
// Atoms live in `onset::atom`; their text is at most 10 characters.
#pragma once

#include <vector>

#include <caf/type_id.hpp>

#include "messages/contract.hpp"
#include "messages/device_record.hpp"
#include "messages/history_entry.hpp"
#include "messages/instruction.hpp"

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

  CAF_ADD_ATOM(onset, onset::atom, write, "write")
  CAF_ADD_ATOM(onset, onset::atom, flush, "flush")

CAF_END_TYPE_ID_BLOCK(onset)
