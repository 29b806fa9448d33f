#include "tests/support/streams.hpp"

#include <utility>

namespace onset::test {

stream_id device_stream(const std::string& contract, const std::string& dev) {
  return stream_id{contract_id{contract}, target::device(device_id{dev})};
}

stream_id service_stream(const std::string& contract, const std::string& svc,
                         const std::string& dev) {
  return stream_id{contract_id{contract}, target::service(service_id{svc}),
                   device_id{dev}};
}

instruction step(stream_id stream, uint64_t seq, step_kind kind,
                 const std::string& dev) {
  instruction x;
  x.stream = std::move(stream);
  x.seq = seq;
  x.kind = kind;
  x.device = device_id{dev};
  x.contract_version = 1;
  return x;
}

} // namespace onset::test
