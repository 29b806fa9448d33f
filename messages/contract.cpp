#include "messages/contract.hpp"

namespace onset {
inline namespace messages {

bool operator==(const contract& x, const contract& y) {
  return x.id == y.id && x.version == y.version && x.customer == y.customer
         && x.start == y.start && x.end == y.end && x.devices == y.devices
         && x.services == y.services && x.event_id == y.event_id;
}

} // namespace messages
} // namespace onset
