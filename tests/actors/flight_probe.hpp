// A FLIGHT PROBE for the engine tests: stands between the CONTRACT actors
// and the DEVICE or SERVICE SUPERVISOR, with the same interface, passes
// everything through, and counts the `apply` requests in flight (sent and
// not yet answered by the receiver), their peak, and the last CONTRACT
// actor that sent for each contract. Its own requests never time out, so
// a request that the CONTRACT gave up on still counts until the receiver
// answers.
#pragma once

#include <algorithm>
#include <map>
#include <memory>

#include <caf/typed_event_based_actor.hpp>

#include "actors/protocol.hpp"

namespace onset::test {

// The tests speak the actors' vocabulary unqualified.
using namespace onset::actors;

struct flight_log {
  size_t in_flight = 0;
  size_t peak = 0;
  size_t sent = 0;
  /// The last CONTRACT actor that sent a step of each contract.
  std::map<contract_id, caf::actor> senders;
};

template <class Self, class Inner>
caf::result<instruction_ack> probe_apply(Self* self, const Inner& inner,
                                         const std::shared_ptr<flight_log>& log,
                                         instruction x) {
  ++log->sent;
  log->peak = std::max(log->peak, ++log->in_flight);
  log->senders[x.stream.contract]
    = caf::actor_cast<caf::actor>(self->current_sender());
  auto rp = self->template make_response_promise<instruction_ack>();
  self->request(inner, caf::infinite, atom::apply_v, std::move(x))
    .then(
      [log, rp](instruction_ack& ack) mutable {
        --log->in_flight;
        rp.deliver(ack);
      },
      [log, rp](caf::error& err) mutable {
        --log->in_flight;
        rp.deliver(err);
      });
  return rp;
}

inline actors::device_actor::behavior_type
device_probe(actors::device_actor::pointer self, actors::device_actor inner,
             std::shared_ptr<flight_log> log) {
  return {
    [self, inner, log](atom::apply, instruction& x) {
      return probe_apply(self, inner, log, std::move(x));
    },
    [self, inner](atom::get, device_id& id) {
      return self->delegate(inner, atom::get_v, std::move(id));
    },
    [self, inner](atom::online, device_id& id, bool on) {
      return self->delegate(inner, atom::online_v, std::move(id), on);
    },
  };
}

inline actors::service_actor::behavior_type
service_probe(actors::service_actor::pointer self, actors::service_actor inner,
              std::shared_ptr<flight_log> log) {
  return {
    [self, inner, log](atom::apply, instruction& x) {
      return probe_apply(self, inner, log, std::move(x));
    },
    [self, inner](atom::get, service_id& service, device_id& device) {
      return self->delegate(inner, atom::get_v, std::move(service),
                            std::move(device));
    },
  };
}

} // namespace onset::test
